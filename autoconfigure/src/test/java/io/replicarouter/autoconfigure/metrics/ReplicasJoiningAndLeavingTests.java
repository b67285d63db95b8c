package io.replicarouter.autoconfigure.metrics;

import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.replicarouter.replica.HealthThresholds;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.PoolSaturationMonitor;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.replica.ReplicaHealthMonitor.MonitorSettings;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.RoutingReason;
import io.replicarouter.routing.RoutingStatistics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas a topology source adds and retires while the application runs: every part
 * that keeps something per node (health, statistics, pool saturation, meters) takes the
 * newcomer in, out of rotation until a probe finds it healthy, and forgets the leaver.
 * The pools are never asked for a connection here (the monitor is not started).
 */
class ReplicasJoiningAndLeavingTests {

	private final HikariDataSource primaryPool = pool("primary", 1);

	private final HikariDataSource joiningPool = pool("pg1", 2);

	@AfterEach
	void close() {
		this.primaryPool.close();
		this.joiningPool.close();
	}

	@Test
	void aJoiningReplicaIsTrackedEverywhereAndForgottenWhenItLeaves() {
		DatabaseNodes nodes = DatabaseNodes.dynamic(
				new DataSourceNode("primary", NodeRole.PRIMARY, this.primaryPool, this.primaryPool.getJdbcUrl(), 1),
				List.of());
		ReplicaHealthMonitor monitor = new ReplicaHealthMonitor(nodes, new MonitorSettings(Duration.ofSeconds(1),
				Duration.ofSeconds(1), Duration.ofSeconds(5), new HealthThresholds(Duration.ofSeconds(5), 0)));
		RoutingStatistics statistics = new RoutingStatistics(nodes);
		PoolSaturationMonitor pools = new PoolSaturationMonitor(nodes, 0.9, Duration.ofSeconds(10),
				Duration.ofSeconds(1));
		SimpleMeterRegistry registry = new SimpleMeterRegistry();
		new ReplicaRouterMeterBinder(nodes, statistics, monitor, pools).bindTo(registry);
		assertThat(monitor.replicaHealth()).isEmpty();

		DataSourceNode joining = new DataSourceNode("pg1", NodeRole.REPLICA, this.joiningPool,
				this.joiningPool.getJdbcUrl(), 1);
		nodes.addReplica(joining);
		assertThat(monitor.replicaHealth()).singleElement()
			.satisfies((health) -> assertThat(health.state()).isEqualTo(NodeState.UNKNOWN));
		assertThat(monitor.eligibleReplicas()).as("not in rotation before a probe found it healthy").isEmpty();
		assertThat(statistics.count(joining, RoutingReason.READ_ONLY)).isZero();
		assertThat(pools.usage()).extracting(PoolSaturationMonitor.PoolUsage::pool).containsExactly("primary", "pg1");
		assertThat(registry.find("replica.router.replica.eligible").tag("replica", "pg1").gauge()).isNotNull();
		assertThat(registry.find("replica.router.routing").tag("target", "pg1").functionCounters()).isNotEmpty();

		assertThat(nodes.removeReplica(joining)).isTrue();
		assertThat(monitor.replicaHealth()).isEmpty();
		assertThat(monitor.health("pg1")).isNull();
		assertThat(pools.usage()).extracting(PoolSaturationMonitor.PoolUsage::pool).containsExactly("primary");
		assertThat(registry.find("replica.router.replica.eligible").tag("replica", "pg1").gauge()).isNull();
		assertThat(registry.find("replica.router.routing").tag("target", "pg1").functionCounters()).isEmpty();
		assertThat(nodes.removeReplica(joining)).as("gone already").isFalse();
	}

	private static HikariDataSource pool(String name, int port) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/app");
		return pool;
	}

}
