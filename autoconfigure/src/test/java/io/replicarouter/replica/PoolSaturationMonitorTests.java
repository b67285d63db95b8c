package io.replicarouter.replica;

import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.replicarouter.replica.PoolSaturationMonitor.PoolUsage;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Saturation from the pools' MXBeans, with the hysteresis that keeps it from flapping.
 */
class PoolSaturationMonitorTests {

	private final HikariPoolMXBean pool = mock(HikariPoolMXBean.class);

	private final MutableClock clock = new MutableClock();

	private final PoolSaturationMonitor monitor = new PoolSaturationMonitor(nodes(), 0.9, Duration.ofMillis(300),
			Duration.ofSeconds(1), this.clock);

	@Test
	void threadsWaitingSaturateAtOnce() {
		load(3, 8, 0);
		assertThat(primary().saturated()).isFalse();
		load(8, 8, 2);
		assertThat(primary().saturated()).isTrue();
		assertThat(primary().waiting()).isEqualTo(2);
	}

	@Test
	void threadsWaitingWhileThePoolOpensConnectionsAreNoSaturation() {
		// A rejoining replica's pool: one connection open, readers wait for the next ones.
		load(1, 1, 8, 3);
		assertThat(primary().saturated()).isFalse();
		this.clock.advance(Duration.ofSeconds(5));
		assertThat(primary().saturated()).as("still growing, however long").isFalse();
		load(8, 8, 8, 3);
		assertThat(primary().saturated()).as("every connection open and in use, threads waiting").isTrue();
	}

	@Test
	void aMomentaryWaitDoesNotMakeTheStatusFlap() {
		load(8, 8, 1);
		assertThat(primary().saturated()).isTrue();
		load(2, 8, 0);
		assertThat(primary().saturated()).as("calm, but not for the whole period yet").isTrue();
		this.clock.advance(Duration.ofMillis(100));
		load(8, 8, 1);
		assertThat(primary().saturated()).isTrue();
		load(2, 8, 0);
		assertThat(primary().saturated()).isTrue();
		this.clock.advance(Duration.ofMillis(299));
		assertThat(primary().saturated()).as("calm, one millisecond short of the period").isTrue();
		this.clock.tick();
		assertThat(primary().saturated()).as("calm for the whole period").isFalse();
	}

	@Test
	void highUsageSaturatesOnlyOnceItLastsThePeriod() {
		load(8, 8, 0);
		assertThat(primary().saturated()).isFalse();
		this.clock.advance(Duration.ofMillis(299));
		assertThat(primary().saturated()).isFalse();
		this.clock.tick();
		assertThat(primary().saturated()).isTrue();
	}

	private void load(int active, int max, int waiting) {
		load(active, max, max, waiting);
	}

	private void load(int active, int total, int max, int waiting) {
		given(this.pool.getActiveConnections()).willReturn(active);
		given(this.pool.getIdleConnections()).willReturn(total - active);
		given(this.pool.getTotalConnections()).willReturn(total);
		given(this.pool.getThreadsAwaitingConnection()).willReturn(waiting);
	}

	private PoolUsage primary() {
		List<PoolUsage> usage = this.monitor.usage();
		return usage.get(0);
	}

	private DatabaseNodes nodes() {
		HikariDataSource dataSource = mock(HikariDataSource.class);
		given(dataSource.getHikariPoolMXBean()).willReturn(this.pool);
		given(dataSource.getMaximumPoolSize()).willReturn(8);
		DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, dataSource, "jdbc:postgresql://p/db",
				1);
		DataSourceNode replica = new DataSourceNode("replica-1", NodeRole.REPLICA, mock(javax.sql.DataSource.class),
				"jdbc:postgresql://r/db", 1);
		return new DatabaseNodes(primary, List.of(replica));
	}

}
