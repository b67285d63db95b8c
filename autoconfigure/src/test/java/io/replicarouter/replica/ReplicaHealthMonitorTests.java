package io.replicarouter.replica;

import java.io.IOException;
import java.net.ServerSocket;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Unit tests of {@link ReplicaHealthMonitor}'s rejoin rule for pools; probing and rotation
 * against real servers are covered by the integration tests.
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
