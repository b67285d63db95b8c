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
 * The primary's share of reads: the weighted draw while the servers are equally busy,
 * where fewer transactions are in flight under load, and never at the writes' expense.
 */
class PrimaryReadShareTests {

	@Test
	void withoutAWeightThePrimaryNeverTakesAShare() {
		assertThat(PrimaryReadShare.NONE.takes(pool(0, 5), List.of(replica("a", 1, 3)))).isFalse();
	}

	@Test
	void withoutReplicasInRotationTheReadIsLeftToTheFallback() {
		assertThat(new PrimaryReadShare(5).takes(pool(0, 5), List.of())).isFalse();
	}

	@Test
	void whileTheServersAreEquallyBusyTheShareFollowsTheWeightsOfTheReplicasInRotation() {
		PrimaryReadShare share = new PrimaryReadShare(1);
		assertThat(drawn(share, pool(0, 5), List.of(replica("a", 3, 0)))).as("all idle")
			.isBetween(1000 - 165, 1000 + 165);
		// in use per unit of weight: 2 / 1 on the primary, 6 / 3 on the replica
		assertThat(drawn(share, pool(2, 5), List.of(replica("a", 3, 6)))).as("equally busy")
			.isBetween(1000 - 165, 1000 + 165);
		assertThat(drawn(share, mock(DataSource.class), List.of(replica("a", 3, 6)))).as("not a Hikari pool")
			.isBetween(1000 - 165, 1000 + 165);
		assertThat(drawn(share, mock(HikariDataSource.class), List.of(replica("a", 3, 6))))
			.as("a Hikari pool not started yet")
			.isBetween(1000 - 165, 1000 + 165);
	}

	@Test
	void underLoadAReadGoesWhereFewerTransactionsAreInFlight() {
		PrimaryReadShare share = new PrimaryReadShare(1);
		assertThat(drawn(share, pool(1, 5), List.of(replica("a", 1, 2), replica("b", 1, 3))))
			.as("primary less busy than every replica")
			.isEqualTo(4000);
		assertThat(drawn(share, pool(3, 5), List.of(replica("a", 1, 4), replica("b", 1, 2))))
			.as("primary busier than replica b")
			.isZero();
		assertThat(drawn(share, pool(2, 5), List.of(replica("a", 1, 4), replica("b", 1, 2))))
			.as("as busy as replica b, less than a: the draw decides")
			.isBetween(1333 - 180, 1333 + 180);
	}

	@Test
	void aPrimaryWithoutAnIdleConnectionTakesNoRead() {
		PrimaryReadShare share = new PrimaryReadShare(1);
		assertThat(drawn(share, pool(4, 0), List.of(replica("a", 1, 9)))).isZero();
	}

	/**
	 * Return how many of 4000 reads the primary takes.
	 */
	private static int drawn(PrimaryReadShare share, DataSource primary, List<ReplicaCandidate> eligible) {
		int drawn = 0;
		for (int i = 0; i < 4000; i++) {
			drawn += share.takes(primary, eligible) ? 1 : 0;
		}
		return drawn;
	}

	private static HikariDataSource pool(int inUse, int idle) {
		HikariDataSource pool = mock(HikariDataSource.class);
		HikariPoolMXBean bean = mock(HikariPoolMXBean.class);
		given(pool.getHikariPoolMXBean()).willReturn(bean);
		given(bean.getActiveConnections()).willReturn(inUse);
		given(bean.getIdleConnections()).willReturn(idle);
		return pool;
	}

	private static ReplicaCandidate replica(String name, int weight, int inUse) {
		DataSourceNode node = new DataSourceNode(name, NodeRole.REPLICA, mock(DataSource.class),
				"jdbc:postgresql://" + name + "/db", weight);
		ReplicaCandidate candidate = mock(ReplicaCandidate.class);
		given(candidate.node()).willReturn(node);
		given(candidate.activeConnections()).willReturn(inUse);
		return candidate;
	}

}
