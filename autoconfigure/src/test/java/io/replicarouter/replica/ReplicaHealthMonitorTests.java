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
		DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, refusing(), "jdbc:postgresql://p/db",
				1);
		DataSourceNode replica = new DataSourceNode("replica-1", NodeRole.REPLICA, refusing(),
				"jdbc:postgresql://r/db", 1);
		ReplicaHealthMonitor monitor = monitor(primary, replica);
		List<DataSourceNode> stoppedAnswering = new CopyOnWriteArrayList<>();
		monitor.onNodeStoppedAnswering(stoppedAnswering::add);
		monitor.probeAll();
		assertThat(stoppedAnswering).containsExactlyInAnyOrder(primary, replica);
		assertThat(monitor.replicaHealth().get(0).state()).isEqualTo(NodeState.DOWN);
	}

	@Test
	void aPrimaryThatIsDownIsProbedAtTheIntervalWhileAReplicaBacksOff() throws SQLException {
		DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, refusing(), "jdbc:postgresql://p/db",
				1);
		DataSourceNode replica = new DataSourceNode("replica-1", NodeRole.REPLICA, refusing(),
				"jdbc:postgresql://r/db", 1);
		ReplicaHealthMonitor monitor = monitor(primary, replica);
		for (int i = 0; i < 3; i++) {
			monitor.probeAll();
		}
		assertThat(monitor.nextDelayMillis(replica)).as("backed off after 3 failures").isEqualTo(400);
		assertThat(monitor.nextDelayMillis(primary)).as("writes wait for it: never backed off").isEqualTo(100);
	}

	@Test
	void noReplicaIsEligibleBeforeItsFirstSuccessfulProbe() {
		DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, mock(DataSource.class),
				"jdbc:postgresql://p/db", 1);
		DataSourceNode replica = new DataSourceNode("replica-1", NodeRole.REPLICA, mock(DataSource.class),
				"jdbc:postgresql://r/db", 1);
		ReplicaHealthMonitor monitor = monitor(primary, replica);
		assertThat(monitor.replicaHealth().get(0).state()).isEqualTo(NodeState.UNKNOWN);
		assertThat(monitor.eligibleReplicas()).as("reads take the fallback until the first probe").isEmpty();
		assertThat(monitor.describeIneligibleReplicas()).contains("replica-1 unknown (not probed yet)");
	}

	@Test
	void aNodeInRotationWhoseProbesFailIsHandedToTheListenersOnlyOnceItIsDown() throws SQLException {
		DataSource primaryPool = answering(false);
		DataSource replicaPool = answering(true);
		DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, primaryPool, "jdbc:postgresql://p/db",
				1);
		DataSourceNode replica = new DataSourceNode("replica-1", NodeRole.REPLICA, replicaPool,
				"jdbc:postgresql://r/db", 1);
		ReplicaHealthMonitor monitor = monitor(primary, replica);
		List<DataSourceNode> stoppedAnswering = new CopyOnWriteArrayList<>();
		monitor.onNodeStoppedAnswering(stoppedAnswering::add);
		monitor.probeAll();
		assertThat(monitor.replicaHealth().get(0).state()).isEqualTo(NodeState.UP);
		assertThat(monitor.eligibleReplicas()).hasSize(1);
		SQLException timedOut = new SQLException("An I/O error occurred while sending to the backend.", "08006",
				new java.net.SocketTimeoutException("Read timed out"));
		given(replicaPool.getConnection()).willThrow(timedOut);
		monitor.probeAll();
		monitor.reportFailure(replica, timedOut);
		assertThat(monitor.replicaHealth().get(0).state()).as("2 failures of 3").isEqualTo(NodeState.UP);
		assertThat(monitor.eligibleReplicas()).hasSize(1);
		assertThat(stoppedAnswering).as("nothing aborted while only suspect").isEmpty();
		monitor.probeAll();
		assertThat(monitor.replicaHealth().get(0).state()).isEqualTo(NodeState.DOWN);
		assertThat(monitor.eligibleReplicas()).isEmpty();
		assertThat(stoppedAnswering).containsExactly(replica);
	}

	@Test
	void aFailureInUseThatShowsTheServerGoneTakesItDownAndAbortsItsOtherReads() throws SQLException {
		DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, answering(false),
				"jdbc:postgresql://p/db", 1);
		DataSourceNode replica = new DataSourceNode("replica-1", NodeRole.REPLICA, answering(true),
				"jdbc:postgresql://r/db", 1);
		ReplicaHealthMonitor monitor = monitor(primary, replica);
		List<DataSourceNode> stoppedAnswering = new CopyOnWriteArrayList<>();
		monitor.onNodeStoppedAnswering(stoppedAnswering::add);
		monitor.probeAll();
		assertThat(monitor.eligibleReplicas()).hasSize(1);
		monitor.reportFailure(replica, new SQLException("An I/O error occurred while sending to the backend.",
				"08006", new java.io.EOFException()));
		assertThat(monitor.replicaHealth().get(0).state()).isEqualTo(NodeState.DOWN);
		assertThat(stoppedAnswering).containsExactly(replica);
		monitor.reportFailure(replica, new SQLException("Connection refused", "08001"));
		assertThat(stoppedAnswering).as("only when it goes down").containsExactly(replica);
	}

	@Test
	void aConnectionClosedOnThisSideIsNoNewsOfTheNode() throws SQLException {
		DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, answering(false),
				"jdbc:postgresql://p/db", 1);
		DataSourceNode replica = new DataSourceNode("replica-1", NodeRole.REPLICA, answering(true),
				"jdbc:postgresql://r/db", 1);
		ReplicaHealthMonitor monitor = monitor(primary, replica);
		monitor.probeAll();
		for (int i = 0; i < 5; i++) {
			monitor.reportFailure(replica, new SQLException("This connection has been closed.", "08003"));
		}
		assertThat(monitor.replicaHealth().get(0).state()).isEqualTo(NodeState.UP);
		assertThat(monitor.replicaHealth().get(0).consecutiveFailures()).isZero();
	}

	/**
	 * A pool whose connections answer the probe: a primary, or a replica that replayed
	 * everything, of cluster 42.
	 */
	private static ReplicaHealthMonitor monitor(DataSourceNode primary, DataSourceNode replica) {
		return new ReplicaHealthMonitor(new DatabaseNodes(primary, List.of(replica)),
				new MonitorSettings(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(1),
						new HealthThresholds(Duration.ofSeconds(5), 0)));
	}

	private static DataSource refusing() throws SQLException {
		DataSource pool = mock(DataSource.class);
		given(pool.getConnection()).willThrow(new SQLException("Connection refused", "08001"));
		return pool;
	}

	private static DataSource answering(boolean inRecovery) throws SQLException {
		DataSource pool = mock(DataSource.class);
		java.sql.Connection connection = mock(java.sql.Connection.class);
		java.sql.Statement statement = mock(java.sql.Statement.class);
		java.sql.ResultSet result = mock(java.sql.ResultSet.class);
		given(pool.getConnection()).willReturn(connection);
		given(connection.createStatement()).willReturn(statement);
		given(statement.executeQuery(org.mockito.ArgumentMatchers.anyString())).willReturn(result);
		given(result.next()).willReturn(true);
		given(result.getBoolean(1)).willReturn(inRecovery);
		given(result.getLong(org.mockito.ArgumentMatchers.anyInt())).willReturn(1_000L);
		given(result.wasNull()).willReturn(false);
		given(result.getString(1)).willReturn("42");
		given(result.getString(5)).willReturn(inRecovery ? "10.0.0.2:5432@t" : "10.0.0.1:5432@t");
		return pool;
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
