package io.replicarouter.test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The SQL that a node of either backend runs on its own server: readiness, replay and streaming waits, the
 * replay delay, the end of recovery after a promotion, and WAL positions. One instance per node.
 */
final class NodeQueries {

	/** Removes the replay delay. */
	static final String RESET_REPLAY_DELAY = "ALTER SYSTEM RESET recovery_min_apply_delay";

	private final String name;

	private final Connector connector;

	private final Failures failures;

	private final Duration pollInterval;

	NodeQueries(String name, Connector connector, Failures failures, Duration pollInterval) {
		this.name = name;
		this.connector = connector;
		this.failures = failures;
		this.pollInterval = pollInterval;
	}

	/**
	 * Checks a replay delay and returns the statement that sets it.
	 * @throws IllegalArgumentException if the delay is negative or longer than about 24 days
	 */
	static String setReplayDelay(Duration delay) {
		long millis = delay.toMillis();
		if (delay.isNegative() || millis > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("Replay delay out of range: " + delay);
		}
		return "ALTER SYSTEM SET recovery_min_apply_delay = '" + millis + "ms'";
	}

	/**
	 * Waits until the server accepts connections; a node that {@code expectsRecovery} must be in recovery and,
	 * when {@code shouldStream}, stream WAL; any other node must have left recovery.
	 */
	void awaitReady(long deadline, Duration startupTimeout, BooleanSupplier isRunning, boolean expectsRecovery,
			BooleanSupplier shouldStream) {
		String state = "no connection yet";
		SQLException lastFailure = null;
		while (true) {
			if (!isRunning.getAsBoolean()) {
				throw this.failures.failure(this.name + " exited while starting", null);
			}
			try (Connection connection = this.connector.connect()) {
				boolean inRecovery = queryBoolean(connection, "select pg_is_in_recovery()");
				if (expectsRecovery) {
					if (!inRecovery) {
						throw this.failures.failure(this.name + " is a replica but is not in recovery", null);
					}
					if (!shouldStream.getAsBoolean()) {
						return;
					}
					String status = queryString(connection, "select status from pg_stat_wal_receiver");
					if ("streaming".equals(status)) {
						return;
					}
					state = "WAL receiver status is " + status;
				}
				else {
					if (!inRecovery) {
						return;
					}
					state = "still in recovery";
				}
			}
			catch (SQLException ex) {
				lastFailure = ex;
				state = ex.getMessage();
			}
			if (System.nanoTime() - deadline > 0) {
				throw this.failures.failure(this.name + " was not ready within " + startupTimeout + ": " + state,
						lastFailure);
			}
			OperatingSystem.sleep(this.pollInterval);
		}
	}

	/**
	 * Runs an {@code ALTER SYSTEM} statement of {@code recovery_min_apply_delay}, reloads the configuration and
	 * waits (up to 10 seconds) until the server has loaded the expected value.
	 */
	void applyReplayDelay(String alterSystem, long expectedMillis) {
		try (Connection connection = this.connector.connect(); Statement statement = connection.createStatement()) {
			statement.execute(alterSystem);
			statement.execute("select pg_reload_conf()");
		}
		catch (SQLException ex) {
			throw this.failures.failure(this.name + ": " + alterSystem + " failed: " + ex.getMessage(), ex);
		}
		// A new session sees the postmaster's configuration, which is reloaded before the startup process
		// (the one replaying WAL) is told to reload.
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		String expected = Long.toString(expectedMillis);
		String actual = null;
		while (System.nanoTime() - deadline < 0) {
			try (Connection connection = this.connector.connect()) {
				actual = queryString(connection,
						"select setting from pg_settings where name = 'recovery_min_apply_delay'");
				if (expected.equals(actual)) {
					return;
				}
			}
			catch (SQLException ex) {
				actual = ex.getMessage();
			}
			OperatingSystem.sleep(this.pollInterval);
		}
		throw this.failures.failure(
				this.name + ": recovery_min_apply_delay is " + actual + ", not " + expected + " ms", null);
	}

	/**
	 * Waits until a promoted server has left recovery.
	 */
	void awaitLeftRecovery(long deadline) {
		String state = "";
		while (true) {
			try (Connection connection = this.connector.connect()) {
				if (!queryBoolean(connection, "select pg_is_in_recovery()")) {
					return;
				}
				state = "still in recovery";
			}
			catch (SQLException ex) {
				state = ex.getMessage();
			}
			if (System.nanoTime() - deadline > 0) {
				throw this.failures.failure(this.name + " did not leave recovery after promotion: " + state, null);
			}
			OperatingSystem.sleep(this.pollInterval);
		}
	}

	/**
	 * Returns the written WAL position out of recovery, the replayed one in recovery.
	 */
	String lsn() {
		return queryText("select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() "
				+ "else pg_current_wal_lsn() end)::text");
	}

	/**
	 * Returns {@code pg_current_wal_lsn()}.
	 */
	String currentWalLsn() {
		return queryText("select pg_current_wal_lsn()::text");
	}

	private String queryText(String sql) {
		try (Connection connection = this.connector.connect()) {
			String value = queryString(connection, sql);
			return (value != null) ? value : "0/0";
		}
		catch (SQLException ex) {
			throw this.failures.failure(this.name + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Waits until the server has replayed WAL up to {@code lsn}, polling on one connection (opened again after a
	 * failure).
	 */
	void awaitReplay(String lsn, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String state = "";
		SQLException lastFailure = null;
		Connection connection = null;
		try {
			while (true) {
				try {
					if (connection == null) {
						connection = this.connector.connect();
					}
					try (PreparedStatement statement = connection.prepareStatement(
							"select coalesce(pg_last_wal_replay_lsn() >= ?::pg_lsn, false), "
									+ "pg_last_wal_replay_lsn()::text, (select status from pg_stat_wal_receiver)")) {
						statement.setString(1, lsn);
						try (ResultSet rows = statement.executeQuery()) {
							rows.next();
							if (rows.getBoolean(1)) {
								return;
							}
							state = "replayed up to " + rows.getString(2) + ", WAL receiver status "
									+ rows.getString(3);
						}
					}
				}
				catch (SQLException ex) {
					lastFailure = ex;
					state = ex.getMessage();
					closeQuietly(connection);
					connection = null;
				}
				if (System.nanoTime() - deadline > 0) {
					throw this.failures.failure(
							this.name + " did not replay up to " + lsn + " within " + timeout + ": " + state,
							lastFailure);
				}
				OperatingSystem.sleep(this.pollInterval);
			}
		}
		finally {
			closeQuietly(connection);
		}
	}

	/**
	 * Waits until the server's WAL receiver streams.
	 */
	void awaitStreaming(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String state;
		SQLException lastFailure = null;
		while (true) {
			try (Connection connection = this.connector.connect()) {
				String status = queryString(connection, "select status from pg_stat_wal_receiver");
				if ("streaming".equals(status)) {
					return;
				}
				state = "WAL receiver status is " + status;
			}
			catch (SQLException ex) {
				lastFailure = ex;
				state = ex.getMessage();
			}
			if (System.nanoTime() - deadline > 0) {
				throw this.failures.failure(this.name + " was not streaming within " + timeout + ": " + state,
						lastFailure);
			}
			OperatingSystem.sleep(this.pollInterval);
		}
	}

	static boolean queryBoolean(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			return rows.next() && rows.getBoolean(1);
		}
	}

	static @Nullable String queryString(Connection connection, String sql) throws SQLException {
		try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
			return rows.next() ? rows.getString(1) : null;
		}
	}

	private static void closeQuietly(@Nullable Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// ignored
			}
		}
	}

	/** Opens a connection for the node's own checks. */
	@FunctionalInterface
	interface Connector {

		Connection connect() throws SQLException;

	}

	/** Builds the exception of a failed operation, with the node's log tail. */
	@FunctionalInterface
	interface Failures {

		PostgresClusterException failure(String message, @Nullable Throwable cause);

	}

}
