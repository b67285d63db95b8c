package io.replicarouter.routing;

import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The primary's share of reads: the draw, and when its pool can take a read.
 */
class PrimaryReadShareTests {

	@Test
	void withoutAWeightThePrimaryNeverTakesAShare() {
		assertThat(PrimaryReadShare.NONE.draw(List.of(replica("a", 1)))).isFalse();
	}

	@Test
	void withoutReplicasInRotationTheDrawLeavesTheReadToTheFallback() {
		assertThat(new PrimaryReadShare(5).draw(List.of())).isFalse();
	}

	@Test
	void theShareFollowsTheWeightsOfTheReplicasInRotation() {
		PrimaryReadShare share = new PrimaryReadShare(1);
		List<ReplicaCandidate> heavy = List.of(replica("a", 3));
		int drawn = 0;
		for (int i = 0; i < 4000; i++) {
			drawn += share.draw(heavy) ? 1 : 0;
		}
		// a quarter, give or take six standard deviations
		assertThat(drawn).isBetween(1000 - 165, 1000 + 165);
	}

	@Test
	void aPoolWithoutAnIdleConnectionCannotTakeAShareButOneNotStartedYetCan() {
		HikariDataSource pool = mock(HikariDataSource.class);
		assertThat(PrimaryReadShare.hasIdleConnection(pool)).as("not started").isTrue();
		HikariPoolMXBean bean = mock(HikariPoolMXBean.class);
		given(pool.getHikariPoolMXBean()).willReturn(bean);
		assertThat(PrimaryReadShare.hasIdleConnection(pool)).as("every connection in use").isFalse();
		given(bean.getIdleConnections()).willReturn(2);
		assertThat(PrimaryReadShare.hasIdleConnection(pool)).isTrue();
		assertThat(PrimaryReadShare.hasIdleConnection(mock(DataSource.class))).as("not a Hikari pool").isTrue();
	}

	private static ReplicaCandidate replica(String name, int weight) {
		DataSourceNode node = new DataSourceNode(name, NodeRole.REPLICA, mock(DataSource.class),
				"jdbc:postgresql://" + name + "/db", weight);
		return RoutingTopology.allEligible(List.of(node)).eligibleReplicas().get(0);
	}

}
