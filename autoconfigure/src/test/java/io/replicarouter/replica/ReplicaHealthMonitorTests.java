package io.replicarouter.replica;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.replica.ReplicaHealthMonitor.MonitorSettings;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Unit tests of {@link ReplicaHealthMonitor}'s rejoin rule for pools and of who hears of a
 * replica that stopped answering; probing and rotation against real servers are covered by
 * the integration tests.
 */
class ReplicaHealthMonitorTests {

	@Test
	void poolThatKeepsIdleConnectionsButHasNoneHasNotReconnected() throws IOException {
		try (HikariDataSource pool = poolToNowhere(2)) {
			assertThat(pool.getHikariPoolMXBean().getTotalConnections()).isZero();
			assertThat(ReplicaHealthMonitor.poolHasReconnected(pool)).isFalse();
		}
	}

	@Test
	void poolThatKeepsNoIdleConnectionsConnectsOnDemand() throws IOException {
		try (HikariDataSource pool = poolToNowhere(0)) {
			assertThat(ReplicaHealthMonitor.poolHasReconnected(pool)).isTrue();
		}
	}

	@Test
	void poolNotStartedYetOrNotHikariCanServe() {
		assertThat(ReplicaHealthMonitor.poolHasReconnected(new HikariDataSource())).isTrue();
		assertThat(ReplicaHealthMonitor.poolHasReconnected(mock(DataSource.class))).isTrue();
	}

	@Test
	void everyNodeWhoseProbeFailsIsHandedToTheStoppedAnsweringListeners() throws SQLException {
		DataSource primaryPool = mock(DataSource.class);
		DataSource replicaPool = mock(DataSource.class);
		given(primaryPool.getConnection()).willThrow(new SQLException("Connection refused", "08001"));
		given(replicaPool.getConnection()).willThrow(new SQLException("Connection refused", "08001"));
		DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, primaryPool, "jdbc:postgresql://p/db",
				1);
		DataSourceNode replica = new DataSourceNode("replica-1", NodeRole.REPLICA, replicaPool,
				"jdbc:postgresql://r/db", 1);
		ReplicaHealthMonitor monitor = new ReplicaHealthMonitor(new DatabaseNodes(primary, List.of(replica)),
				new MonitorSettings(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(1),
						new HealthThresholds(Duration.ofSeconds(5), 0)));
		List<DataSourceNode> stoppedAnswering = new CopyOnWriteArrayList<>();
		monitor.onNodeStoppedAnswering(stoppedAnswering::add);
		monitor.probeAll();
		assertThat(stoppedAnswering).containsExactlyInAnyOrder(primary, replica);
		assertThat(monitor.replicaHealth().get(0).state()).isEqualTo(NodeState.DOWN);
	}

	private static HikariDataSource poolToNowhere(int minimumIdle) throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + port + "/db");
		config.setUsername("nobody");
		config.setMaximumPoolSize(2);
		config.setMinimumIdle(minimumIdle);
		config.setInitializationFailTimeout(-1);
		config.setConnectionTimeout(250);
		return new HikariDataSource(config);
	}

}
