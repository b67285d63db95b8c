package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The connections in use that a node's failure aborts.
 */
class ConnectionsInUseTests {

	private final DataSourceNode primary = node("primary", NodeRole.PRIMARY);

	private final DataSourceNode replica = node("replica", NodeRole.REPLICA);

	private final ConnectionsInUse inUse = new ConnectionsInUse();

	@Test
	void aNodeThatStopsAnsweringAbortsTheConnectionsInUseOnItAndNoOthers() throws SQLException {
		Connection read = mock(Connection.class);
		Connection finished = mock(Connection.class);
		Connection elsewhere = mock(Connection.class);
		this.inUse.add(this.replica, RoutingReason.READ_ONLY, read);
		this.inUse.add(this.replica, RoutingReason.READ_ONLY, finished);
		this.inUse.remove(this.replica, RoutingReason.READ_ONLY, finished);
		this.inUse.add(node("other", NodeRole.REPLICA), RoutingReason.READ_ONLY, elsewhere);
		assertThat(this.inUse.abortAll(this.replica, Runnable::run)).isOne();
		verify(read).abort(any());
		verify(finished, never()).abort(any());
		verify(elsewhere, never()).abort(any());
		assertThat(this.inUse.abortAll(this.replica, Runnable::run)).as("aborted once").isZero();
	}

	@Test
	void writesOnThePrimaryAreNeverRegisteredReadsStandingInForAReplicaAre() throws SQLException {
		Connection write = mock(Connection.class);
		Connection share = mock(Connection.class);
		this.inUse.add(this.primary, RoutingReason.READ_WRITE, write);
		this.inUse.add(this.primary, RoutingReason.PRIMARY_SHARE, share);
		assertThat(this.inUse.count(this.primary)).isOne();
		assertThat(this.inUse.abortAll(this.primary, Runnable::run)).isOne();
		verify(share).abort(any());
		verify(write, never()).abort(any());
	}

	@Test
	void moreConnectionsThanSlotsAreAllKept() throws SQLException {
		List<Connection> connections = new ArrayList<>();
		for (int i = 0; i < ConnectionsInUse.SLOTS + 10; i++) {
			Connection connection = mock(Connection.class);
			connections.add(connection);
			this.inUse.add(this.replica, RoutingReason.READ_ONLY, connection);
		}
		assertThat(this.inUse.count(this.replica)).isEqualTo(ConnectionsInUse.SLOTS + 10);
		for (Connection connection : connections.subList(0, 5)) {
			this.inUse.remove(this.replica, RoutingReason.READ_ONLY, connection);
		}
		for (Connection connection : connections.subList(ConnectionsInUse.SLOTS + 5, ConnectionsInUse.SLOTS + 10)) {
			this.inUse.remove(this.replica, RoutingReason.READ_ONLY, connection);
		}
		assertThat(this.inUse.abortAll(this.replica, Runnable::run)).isEqualTo(ConnectionsInUse.SLOTS);
		verify(connections.get(0), never()).abort(any());
		verify(connections.get(5)).abort(any());
		verify(connections.get(ConnectionsInUse.SLOTS + 4)).abort(any());
		verify(connections.get(ConnectionsInUse.SLOTS + 9), never()).abort(any());
	}

	@Test
	void concurrentRegistrationsLoseNothingAndLeaveNothingBehind() throws Exception {
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				futures.add(executor.submit(() -> {
					Connection connection = mock(Connection.class);
					for (int i = 0; i < 20_000; i++) {
						this.inUse.add(this.replica, RoutingReason.READ_ONLY, connection);
						assertThat(this.inUse.count(this.replica)).isPositive();
						this.inUse.remove(this.replica, RoutingReason.READ_ONLY, connection);
					}
					return null;
				}));
			}
			for (Future<?> future : futures) {
				future.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(this.inUse.count(this.replica)).isZero();
	}

	private static DataSourceNode node(String name, NodeRole role) {
		return new DataSourceNode(name, role, mock(DataSource.class), "jdbc:postgresql://" + name + "/db", 1);
	}

}
