package io.replicarouter.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/**
 * One PostgreSQL server of a {@link ReplicationCluster}, whatever runs it: {@link PostgresNode} (a local process
 * of the embedded backend) or {@link ContainerNode} (a Docker container of the Testcontainers backend). Gives
 * connection details and lets a test inject faults: see {@link PostgresNode} for the details of each method.
 */
public interface ReplicationNode {

	/**
	 * Returns the node's name: {@code primary}, {@code replica-1}, {@code replica-2}...
	 * @return the name
	 */
	String name();

	/**
	 * Returns the host that clients of this JVM connect to.
	 * @return the host name or address
	 */
	String host();

	/**
	 * Returns the TCP port that clients of this JVM connect to, on {@link #host()}.
	 * @return the port
	 */
	int port();

	/**
	 * Returns the JDBC URL of the cluster's database on this node, without credentials.
	 * @return the JDBC URL
	 */
	String jdbcUrl();

	/**
	 * Tells whether the node was set up as the primary (a promoted replica still answers {@code false}).
	 * @return {@code true} for the primary
	 */
	boolean isPrimaryRole();

	/**
	 * Tells whether this replica was {@linkplain #promote() promoted}.
	 * @return {@code true} after a successful {@link #promote()}
	 */
	boolean isPromoted();

	/**
	 * Tells whether the server runs (a paused server counts as running).
	 * @return {@code true} if the server runs
	 */
	boolean isRunning();

	/**
	 * Tells whether the server is {@linkplain #pause() paused}.
	 * @return {@code true} between {@link #pause()} and {@link #resume()}
	 */
	boolean isPaused();

	/**
	 * Opens a new JDBC connection to the cluster's database on this node, as the cluster's user.
	 * @return a new connection, that the caller closes
	 * @throws SQLException if the server cannot be reached or refuses the connection
	 */
	Connection connect() throws SQLException;

	/**
	 * Opens a new JDBC connection like {@link #connect()}, with extra PostgreSQL JDBC driver properties.
	 * @param properties driver properties that override the defaults
	 * @return a new connection, that the caller closes
	 * @throws SQLException if the server cannot be reached or refuses the connection
	 */
	Connection connect(Properties properties) throws SQLException;

	/**
	 * Stops the server cleanly and waits until it has stopped. Does nothing if it is not running.
	 */
	void stop();

	/**
	 * Crashes the server ({@code SIGKILL}). Does nothing if it is not running.
	 */
	void kill();

	/**
	 * Starts the server after {@link #stop()} or {@link #kill()} and waits until it is ready. Does nothing if it
	 * runs.
	 */
	void start();

	/**
	 * Stops the server cleanly and starts it again.
	 */
	void restart();

	/**
	 * Stalls the server: it accepts TCP connections but answers nothing until {@link #resume()}.
	 */
	void pause();

	/**
	 * Continues a {@linkplain #pause() paused} server. Does nothing if it is not paused.
	 */
	void resume();

	/**
	 * Makes this replica lag: sets {@code recovery_min_apply_delay} ({@code ALTER SYSTEM} and
	 * {@code pg_reload_conf()}).
	 * @param delay the delay, in whole milliseconds
	 */
	void setReplayDelay(Duration delay);

	/**
	 * Removes the replay delay set by {@link #setReplayDelay(Duration)}.
	 */
	void clearReplayDelay();

	/**
	 * Promotes this replica to a primary and waits until it accepts writes.
	 */
	void promote();

	/**
	 * Returns the node's WAL position: written on a primary, replayed on a replica.
	 * @return the position in text form, such as {@code 0/3000060}
	 */
	String lsn();

	/**
	 * Waits until this replica has replayed WAL up to the given position.
	 * @param lsn a WAL position
	 * @param timeout how long to wait
	 */
	void awaitReplay(String lsn, Duration timeout);

	/**
	 * Waits until this replica streams WAL from the primary.
	 * @param timeout how long to wait
	 */
	void awaitStreaming(Duration timeout);

}
