package io.replicarouter.routing;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures are a busy pool, a node that is certainly gone, or a query the server
 * cancelled.
 */
class ConnectionFailuresTests {

	private static final String TIMED_OUT = "replica-1 - Connection is not available, request timed out after 2001ms";

	@Test
	void borrowTimeoutOfASaturatedPoolIsBusyNotDown() {
		SQLTransientConnectionException busy = new SQLTransientConnectionException(
				TIMED_OUT + " (total=8, active=8, idle=0, waiting=2)");
		assertThat(ConnectionFailures.isPoolBusy(busy)).isTrue();
		assertThat(ConnectionFailures.isServerGone(busy)).isFalse();
	}

	@Test
	void borrowTimeoutCausedByAConnectionFailureIsANodeFailure() {
		SQLException refused = new SQLException("Connection to 10.0.0.2:5432 refused.", "08001",
				new ConnectException("Connection refused"));
		SQLTransientConnectionException timeout = new SQLTransientConnectionException(TIMED_OUT, "08001", refused);
		assertThat(ConnectionFailures.isPoolBusy(timeout)).isFalse();
		assertThat(ConnectionFailures.isNodeFailure(timeout)).isTrue();
		assertThat(ConnectionFailures.isServerGone(timeout)).as("the pool's last failure may be old").isFalse();
		assertThat(ConnectionFailures.isServerGone(refused)).isTrue();
		SQLException loginTimedOut = new SQLException("The connection attempt failed.", "08001",
				new SocketTimeoutException("Read timed out"));
		SQLTransientConnectionException slowLogin = new SQLTransientConnectionException(TIMED_OUT, "08001",
				loginTimedOut);
		assertThat(ConnectionFailures.isPoolBusy(slowLogin)).isFalse();
		assertThat(ConnectionFailures.isServerGone(slowLogin)).as("a timeout proves nothing").isFalse();
	}

	@Test
	void refusedResetEndOfStreamAndShutdownMeanTheServerIsGone() {
		assertThat(ConnectionFailures.isServerGone(new SQLException("I/O error", "08006",
				new SocketException("Connection reset")))).isTrue();
		assertThat(ConnectionFailures.isServerGone(new SQLException("I/O error", "08006", new EOFException())))
			.isTrue();
		assertThat(ConnectionFailures.isServerGone(new SQLException("terminating connection", "57P01"))).isTrue();
		assertThat(ConnectionFailures.isServerGone(new SQLException("the database system is starting up", "57P03")))
			.isTrue();
		assertThat(ConnectionFailures.isServerGone(new SQLException("I/O error", "08006",
				new SocketTimeoutException("Read timed out")))).isFalse();
		assertThat(ConnectionFailures.isServerGone(new SQLException("canceling statement", "57014"))).isFalse();
	}

	@Test
	void connectionClosedOnThisSideSaysNothingOfTheNode() {
		SQLException closed = new SQLException("This connection has been closed.", "08003");
		assertThat(ConnectionFailures.isClosedLocally(closed)).isTrue();
		assertThat(ConnectionFailures.isNodeFailure(closed)).as("still run again elsewhere").isTrue();
		assertThat(ConnectionFailures.isClosedLocally(new SQLException("I/O error", "08006", new EOFException())))
			.isFalse();
		SQLException both = new SQLException("This connection has been closed.", "08003");
		both.setNextException(new SQLException("I/O error", "08006"));
		both.addSuppressed(new SQLException("terminating connection", "57P01"));
		assertThat(ConnectionFailures.isClosedLocally(both)).isFalse();
	}

	@Test
	void statementCancelledByTheServerIsNoNodeFailure() {
		SQLException cancelled = new SQLException("ERROR: canceling statement due to statement timeout", "57014");
		assertThat(ConnectionFailures.isStatementCancelled(cancelled)).isTrue();
		assertThat(ConnectionFailures.isNodeFailure(cancelled)).isFalse();
		assertThat(ConnectionFailures.isPoolBusy(cancelled)).isFalse();
	}

}
