package io.replicarouter.test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server of a {@link ContainerReplicationCluster}: a Docker container running the primary or one
 * of its streaming replicas. Faults are injected through Docker ({@code stop}, {@code kill}, {@code start},
 * {@code pause}, {@code unpause} of the container) and SQL ({@code ALTER SYSTEM SET recovery_min_apply_delay},
 * {@code pg_promote()}). Methods that change the server's state are thread-safe and serialized per node.
 */
public final class ContainerNode implements ReplicationNode {

	private static final Logger logger = LoggerFactory.getLogger(ContainerNode.class);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	private static final int STOP_TIMEOUT_SECONDS = 60;

	private static final int LOG_TAIL_LINES = 40;

	private final ContainerReplicationCluster cluster;

	private final String name;

	private final boolean primaryRole;

	private final NodeContainer container;

	private volatile int port;

	private volatile boolean paused;

	private volatile boolean promoted;

	private final NodeQueries queries;

	ContainerNode(ContainerReplicationCluster cluster, String name, boolean primaryRole, NodeContainer container) {
		this.cluster = cluster;
		this.name = name;
		this.primaryRole = primaryRole;
		this.container = container;
		this.queries = new NodeQueries(name, this::connectInternally, this::failure, POLL_INTERVAL);
	}

	/**
	 * Returns the node's name, which is also its network alias on the cluster's Docker network and, for a
	 * replica, its {@code application_name} on the primary.
	 * @return {@code primary}, {@code replica-1}, {@code replica-2}...
	 */
	@Override
	public String name() {
		return this.name;
	}

	/**
	 * Returns the Docker host, where the container's port is mapped.
	 * @return the host, as Testcontainers sees it
	 */
	@Override
	public String host() {
		return this.container.getHost();
	}

	/**
	 * Returns the Docker host's port mapped to the container's port 5432. It may change when the container is
	 * started again after {@link #stop()} or {@link #kill()}.
	 * @return the mapped port
	 * @throws IllegalStateException if the container was never started
	 */
	@Override
	public int port() {
		int current = this.port;
		if (current == 0) {
			throw new IllegalStateException(this.name + " was never started");
		}
		return current;
	}

	/**
	 * Returns the JDBC URL of the cluster's database on this node, with the port mapped now, without
	 * credentials.
	 * @return {@code jdbc:postgresql://<host>:<mapped port>/<database>}
	 */
	@Override
	public String jdbcUrl() {
		return jdbcUrl(this.cluster.database());
	}

	private String jdbcUrl(String database) {
		return "jdbc:postgresql://" + host() + ":" + port() + "/"
				+ URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/**
	 * Returns the Docker container's id.
	 * @return the id
	 */
	public String containerId() {
		return this.container.getContainerId();
	}

	/**
	 * Returns the Testcontainers container of this node, for what this class does not offer (logs, exec).
	 * Changing its state directly bypasses this node's bookkeeping.
	 * @return the container
	 */
	public org.testcontainers.containers.GenericContainer<?> container() {
		return this.container;
	}

	/**
	 * Tells whether the node was set up as the primary (a promoted replica still answers {@code false}).
	 * @return {@code true} for the primary
	 */
	@Override
	public boolean isPrimaryRole() {
		return this.primaryRole;
	}

	/**
	 * Tells whether this replica was {@linkplain #promote() promoted}.
	 * @return {@code true} after a successful {@link #promote()}
	 */
	@Override
	public boolean isPromoted() {
		return this.promoted;
	}

	/**
	 * Tells whether the container runs (a paused container counts as running).
	 * @return {@code true} if Docker reports the container as running
	 */
	@Override
	public boolean isRunning() {
		String id = this.container.getContainerId();
		if (id == null) {
			return false;
		}
		try {
			InspectContainerResponse.ContainerState state = docker().inspectContainerCmd(id).exec().getState();
			return Boolean.TRUE.equals(state.getRunning());
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/**
	 * Tells whether the container is {@linkplain #pause() paused}.
	 * @return {@code true} between {@link #pause()} and {@link #resume()}
	 */
	@Override
	public boolean isPaused() {
		return this.paused;
	}

	/**
	 * Opens a new JDBC connection to the cluster's database, as the cluster's user, with a 10 second connect
	 * timeout.
	 * @return a new connection, that the caller closes
	 * @throws SQLException if the server cannot be reached or refuses the connection
	 */
	@Override
	public Connection connect() throws SQLException {
		return connect(new Properties());
	}

	/**
	 * Opens a new JDBC connection like {@link #connect()}, with extra PostgreSQL JDBC driver properties that
	 * override the defaults.
	 * @param properties driver properties
	 * @return a new connection, that the caller closes
	 * @throws SQLException if the server cannot be reached or refuses the connection
	 */
	@Override
	public Connection connect(Properties properties) throws SQLException {
		return JdbcConnections.connect(jdbcUrl(), this.cluster.username(), this.cluster.password(), properties);
	}

	private Connection connectInternally() throws SQLException {
		return JdbcConnections.connectInternally(jdbcUrl(), this.cluster.username(), this.cluster.password());
	}

	/** First start, by Testcontainers (with the container's wait strategy), then the JDBC checks. */
	synchronized void startContainer() {
		long deadline = System.nanoTime() + this.cluster.startupTimeout().toNanos();
		try {
			this.container.start();
		}
		catch (RuntimeException ex) {
			throw failure(this.name + " did not start: " + ex.getMessage(), ex);
		}
		this.port = this.container.getMappedPort(ContainerReplicationCluster.POSTGRES_PORT);
		awaitReady(deadline);
	}

	/** Removes the container (Testcontainers' {@code stop()}), resuming it first if paused. */
	synchronized void removeContainer() {
		if (this.paused && isRunning()) {
			try {
				docker().unpauseContainerCmd(this.container.getContainerId()).exec();
			}
			catch (RuntimeException ex) {
				logger.debug("Could not unpause {}", this.name, ex);
			}
		}
		this.paused = false;
		this.container.stop();
	}

	/**
	 * Stops the server cleanly: {@code docker stop} (the image's stop signal, {@code SIGINT}: a fast shutdown),
	 * waiting up to 60 seconds. A paused container is resumed first. Does nothing if it is not running.
	 */
	@Override
	public synchronized void stop() {
		if (!isRunning()) {
			return;
		}
		resumeIfPaused();
		logger.debug("Stopping {}", this.name);
		docker().stopContainerCmd(this.container.getContainerId()).withTimeout(STOP_TIMEOUT_SECONDS).exec();
	}

	/**
	 * Crashes the server: {@code docker kill} ({@code SIGKILL} of the postmaster, which is the container's main
	 * process, so every server process dies with the container). Does nothing if it is not running.
	 */
	@Override
	public synchronized void kill() {
		if (!isRunning()) {
			return;
		}
		logger.debug("Killing {}", this.name);
		docker().killContainerCmd(this.container.getContainerId()).withSignal("KILL").exec();
		this.paused = false;
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (isRunning()) {
			if (System.nanoTime() - deadline > 0) {
				throw failure(this.name + " still runs after docker kill", null);
			}
			OperatingSystem.sleep(POLL_INTERVAL);
		}
	}

	/**
	 * Starts the container again ({@code docker start}) after {@link #stop()} or {@link #kill()} and waits until
	 * the server accepts connections; a replica must also be in recovery and, if the primary runs, stream from
	 * it. The mapped port is read again: it may have changed. Does nothing if the container runs.
	 * @throws PostgresClusterException if the server is not ready within the cluster's startup timeout
	 */
	@Override
	public synchronized void start() {
		this.cluster.checkNotClosed();
		if (isRunning()) {
			return;
		}
		long deadline = System.nanoTime() + this.cluster.startupTimeout().toNanos();
		docker().startContainerCmd(this.container.getContainerId()).exec();
		this.paused = false;
		this.port = awaitMappedPort(deadline);
		awaitReady(deadline);
	}

	private int awaitMappedPort(long deadline) {
		ExposedPort exposed = ExposedPort.tcp(ContainerReplicationCluster.POSTGRES_PORT);
		while (true) {
			InspectContainerResponse response = docker().inspectContainerCmd(this.container.getContainerId()).exec();
			Map<ExposedPort, Ports.Binding[]> bindings = response.getNetworkSettings().getPorts().getBindings();
			Ports.Binding[] binding = bindings.get(exposed);
			if (binding != null) {
				for (Ports.Binding candidate : binding) {
					String spec = candidate.getHostPortSpec();
					if (spec != null && !spec.isEmpty()) {
						return Integer.parseInt(spec);
					}
				}
			}
			if (System.nanoTime() - deadline > 0) {
				throw failure(this.name + ": Docker mapped no port to " + exposed, null);
			}
			OperatingSystem.sleep(POLL_INTERVAL);
		}
	}

	private void awaitReady(long deadline) {
		this.queries.awaitReady(deadline, this.cluster.startupTimeout(), this::isRunning,
				!this.primaryRole && !this.promoted, this::shouldStream);
	}

	private boolean shouldStream() {
		ContainerNode primary = this.cluster.primaryOrNull();
		return primary != null && primary != this && primary.isRunning() && !primary.isPaused()
				&& !primary.isPromoted();
	}

	/**
	 * Stops the server cleanly and starts it again: {@link #stop()} then {@link #start()}.
	 */
	@Override
	public synchronized void restart() {
		stop();
		start();
	}

	/**
	 * Stalls the server: {@code docker pause} (every process of the container is frozen). Does nothing if
	 * already paused.
	 * @throws IllegalStateException if the container is not running
	 */
	@Override
	public synchronized void pause() {
		if (this.paused) {
			return;
		}
		NodeStates.requireRunning(this);
		docker().pauseContainerCmd(this.container.getContainerId()).exec();
		this.paused = true;
	}

	/**
	 * Continues a {@linkplain #pause() paused} server: {@code docker unpause}. Does nothing if not paused.
	 */
	@Override
	public synchronized void resume() {
		resumeIfPaused();
	}

	private void resumeIfPaused() {
		if (!this.paused) {
			return;
		}
		if (isRunning()) {
			docker().unpauseContainerCmd(this.container.getContainerId()).exec();
		}
		this.paused = false;
	}

	/**
	 * Makes this replica lag: {@code ALTER SYSTEM SET recovery_min_apply_delay} and {@code pg_reload_conf()}
	 * over JDBC; returns once the server has loaded the new value. Survives restarts.
	 * @param delay the delay, from zero to about 24 days, in whole milliseconds
	 * @throws IllegalStateException if this is the primary, a promoted replica, or not running
	 */
	@Override
	public synchronized void setReplayDelay(Duration delay) {
		applyReplayDelay(NodeQueries.setReplayDelay(delay), delay.toMillis());
	}

	/**
	 * Removes the replay delay: {@code ALTER SYSTEM RESET recovery_min_apply_delay} and
	 * {@code pg_reload_conf()}.
	 * @throws IllegalStateException if this is the primary, a promoted replica, or not running
	 */
	@Override
	public synchronized void clearReplayDelay() {
		applyReplayDelay(NodeQueries.RESET_REPLAY_DELAY, 0);
	}

	private void applyReplayDelay(String alterSystem, long expectedMillis) {
		NodeStates.requireReplica(this, "set a replay delay");
		NodeStates.requireRunning(this);
		this.queries.applyReplayDelay(alterSystem, expectedMillis);
	}

	/**
	 * Promotes this replica: {@code SELECT pg_promote(false)}, then waits (up to the cluster's startup timeout)
	 * until it has left recovery. The other replicas keep following the original primary.
	 * @throws IllegalStateException if this is the primary or not running
	 */
	@Override
	public synchronized void promote() {
		NodeStates.requireReplica(this, "be promoted");
		NodeStates.requireRunning(this);
		if (this.promoted) {
			return;
		}
		resumeIfPaused();
		long deadline = System.nanoTime() + this.cluster.startupTimeout().toNanos();
		try (Connection connection = connectInternally(); Statement statement = connection.createStatement()) {
			// Without waiting in SQL (the internal connection has a short socket timeout): polled below.
			try (ResultSet rows = statement.executeQuery("select pg_promote(false)")) {
				if (!rows.next() || !rows.getBoolean(1)) {
					throw failure(this.name + " was not promoted: pg_promote() returned false", null);
				}
			}
		}
		catch (SQLException ex) {
			throw failure(this.name + " was not promoted: " + ex.getMessage(), ex);
		}
		this.queries.awaitLeftRecovery(deadline);
		this.promoted = true;
	}

	/**
	 * Returns the node's WAL position: {@code pg_current_wal_lsn()} on a primary (or promoted replica),
	 * {@code pg_last_wal_replay_lsn()} on a replica.
	 * @return the position in text form
	 * @throws PostgresClusterException if the server cannot be queried
	 */
	@Override
	public String lsn() {
		return this.queries.lsn();
	}

	String currentWalLsn() {
		return this.queries.currentWalLsn();
	}

	/**
	 * Waits until this replica has replayed WAL up to the given position.
	 * @param lsn a WAL position, typically the primary's {@link #lsn()}
	 * @param timeout how long to wait; checked at least once
	 * @throws PostgresClusterException on timeout
	 */
	@Override
	public void awaitReplay(String lsn, Duration timeout) {
		NodeStates.requireReplica(this, "replay WAL");
		this.queries.awaitReplay(lsn, timeout);
	}

	/**
	 * Waits until this replica's WAL receiver streams from the primary.
	 * @param timeout how long to wait; checked at least once
	 * @throws PostgresClusterException on timeout
	 */
	@Override
	public void awaitStreaming(Duration timeout) {
		NodeStates.requireReplica(this, "stream WAL");
		this.queries.awaitStreaming(timeout);
	}

	/**
	 * Returns the last lines of the container's output (the server log), with passwords masked.
	 * @param lines how many lines at most
	 * @return the tail of the log, empty if there is none
	 */
	public String logTail(int lines) {
		String logs;
		try {
			logs = this.container.getLogs();
		}
		catch (RuntimeException ex) {
			return "(no logs: " + ex.getMessage() + ")";
		}
		List<String> all = Secrets.mask(logs).lines().toList();
		return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
	}

	private DockerClient docker() {
		return this.container.getDockerClient();
	}

	private PostgresClusterException failure(String message, @Nullable Throwable cause) {
		String text = message + System.lineSeparator() + "--- last lines of the log of " + this.name + " ---"
				+ System.lineSeparator() + logTail(LOG_TAIL_LINES);
		return new PostgresClusterException(text, cause);
	}

	/**
	 * Describes the node without secrets.
	 * @return for example {@code replica-1 (replica, localhost:32781)}
	 */
	@Override
	public String toString() {
		return this.name + " (" + (this.primaryRole ? "primary" : "replica") + ", "
				+ ((this.port != 0) ? host() + ":" + this.port : "not started") + ")";
	}

}
