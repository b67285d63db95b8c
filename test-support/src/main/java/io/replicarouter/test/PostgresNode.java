package io.replicarouter.test;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One PostgreSQL server of a {@link PostgresReplicationCluster}: the primary or one of its streaming replicas.
 *
 * <p>A node gives connection details ({@link #jdbcUrl()}, {@link #port()}, {@link #connect()}) and lets a test
 * inject faults:
 * <ul>
 * <li>{@link #stop()} / {@link #start()} / {@link #restart()}: a clean shutdown and a restart;</li>
 * <li>{@link #kill()}: a crash ({@code SIGKILL} of the postmaster), after which {@link #start()} recovers;</li>
 * <li>{@link #pause()} / {@link #resume()}: a stalled server ({@code SIGSTOP} of every server process): TCP
 * connections are still accepted by the kernel but never answered;</li>
 * <li>{@link #setReplayDelay(Duration)}: replication lag on a replica;</li>
 * <li>{@link #promote()}: failover.</li>
 * </ul>
 *
 * <p>The port stays the same across restarts. Methods that change the server's state are thread-safe and
 * serialized per node. Do not inject faults into a {@linkplain PostgresReplicationCluster#shared(int) shared}
 * cluster.
 */
public final class PostgresNode implements ReplicationNode {

	private static final Logger logger = LoggerFactory.getLogger(PostgresNode.class);

	private static final String HOST = "127.0.0.1";

	private static final Duration POLL_INTERVAL = Duration.ofMillis(10);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

	private static final int LOG_TAIL_LINES = 40;

	private final PostgresReplicationCluster cluster;

	private final String name;

	private final boolean primaryRole;

	private final Path dataDirectory;

	private final Path logFile;

	private volatile int port;

	private volatile boolean paused;

	private volatile boolean promoted;

	private final NodeQueries queries;

	PostgresNode(PostgresReplicationCluster cluster, String name, boolean primaryRole, int port, Path dataDirectory,
			Path logFile) {
		this.cluster = cluster;
		this.name = name;
		this.primaryRole = primaryRole;
		this.port = port;
		this.dataDirectory = dataDirectory;
		this.logFile = logFile;
		this.queries = new NodeQueries(name, this::connectInternally, this::failure, POLL_INTERVAL);
	}

	/**
	 * Returns the node's name: {@code primary}, or {@code replica-1}, {@code replica-2}... for the replicas
	 * (numbered from 1). It is also the replica's {@code application_name} on the primary
	 * ({@code pg_stat_replication}).
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Returns the TCP port the server listens on, on {@link #host()}. It does not change when the node restarts.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Returns the address the server listens on.
	 * @return always {@code 127.0.0.1}
	 */
	public String host() {
		return HOST;
	}

	/**
	 * Returns the JDBC URL of the cluster's database on this node, without credentials (use
	 * {@link PostgresReplicationCluster#username()} and {@link PostgresReplicationCluster#password()}).
	 * @return {@code jdbc:postgresql://127.0.0.1:<port>/<database>}
	 */
	public String jdbcUrl() {
		return jdbcUrl(this.cluster.database());
	}

	String jdbcUrl(String database) {
		return "jdbc:postgresql://" + HOST + ":" + this.port + "/"
				+ URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
	}

	/**
	 * Tells whether the node was set up as the primary. This is the configured role, not a query: a
	 * {@linkplain #promote() promoted} replica still answers {@code false} (see {@link #isPromoted()}).
	 * @return {@code true} for the primary, {@code false} for a replica
	 */
	public boolean isPrimaryRole() {
		return this.primaryRole;
	}

	/**
	 * Tells whether this replica was {@linkplain #promote() promoted}.
	 * @return {@code true} after a successful {@link #promote()}
	 */
	public boolean isPromoted() {
		return this.promoted;
	}

	/**
	 * Tells whether the server's postmaster process is alive (a {@linkplain #pause() paused} server counts as
	 * running). Checks the process named in {@code postmaster.pid}.
	 * @return {@code true} if the server runs
	 */
	public boolean isRunning() {
		Long pid = readPostmasterPid();
		return pid != null && OperatingSystem.isAlive(pid);
	}

	/**
	 * Tells whether the server is {@linkplain #pause() paused}.
	 * @return {@code true} between {@link #pause()} and {@link #resume()}
	 */
	public boolean isPaused() {
		return this.paused;
	}

	/**
	 * Opens a new JDBC connection to the cluster's database on this node, as the cluster's user, with password
	 * authentication over TCP and a 10 second connect timeout. The caller closes it.
	 * @return a new connection
	 * @throws SQLException if the server cannot be reached or refuses the connection
	 */
	public Connection connect() throws SQLException {
		return connect(new Properties());
	}

	/**
	 * Opens a new JDBC connection like {@link #connect()}, with extra PostgreSQL JDBC driver properties that
	 * override the defaults (for example {@code connectTimeout}, {@code socketTimeout} in seconds,
	 * {@code ApplicationName}, or {@code password} to try another password).
	 * @param properties driver properties
	 * @return a new connection
	 * @throws SQLException if the server cannot be reached or refuses the connection
	 */
	public Connection connect(Properties properties) throws SQLException {
		return JdbcConnections.connect(jdbcUrl(), this.cluster.username(), this.cluster.password(), properties);
	}

	private Connection connectInternally(String database) throws SQLException {
		return JdbcConnections.connectInternally(jdbcUrl(database), this.cluster.username(),
				this.cluster.password());
	}

	private Connection connectInternally() throws SQLException {
		return connectInternally(this.cluster.internalDatabase());
	}

	/**
	 * Returns the process id of the postmaster, read from {@code postmaster.pid} in the data directory.
	 * @return the postmaster's pid
	 * @throws IllegalStateException if the server is not running
	 */
	public long postmasterPid() {
		Long pid = readPostmasterPid();
		if (pid == null || !OperatingSystem.isAlive(pid)) {
			throw new IllegalStateException(this.name + " is not running");
		}
		return pid;
	}

	@Nullable Long readPostmasterPid() {
		try {
			List<String> lines = Files.readAllLines(this.dataDirectory.resolve("postmaster.pid"),
					StandardCharsets.UTF_8);
			return lines.isEmpty() ? null : Long.valueOf(lines.get(0).trim());
		}
		catch (IOException | NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Stops the server cleanly ({@code pg_ctl stop -m fast}) and waits until the postmaster has exited. A paused
	 * server is resumed first. Does nothing if the server is not running.
	 */
	public synchronized void stop() {
		Long pid = readPostmasterPid();
		if (pid == null || !OperatingSystem.isAlive(pid)) {
			return;
		}
		resumeIfPaused();
		logger.debug("Stopping {}", this.name);
		OperatingSystem.CommandResult result = this.cluster.pgCtl(
				List.of("-D", this.dataDirectory.toString(), "-m", "fast", "-w", "-t",
						Long.toString(STOP_TIMEOUT.toSeconds()), "stop"),
				STOP_TIMEOUT.plusSeconds(15));
		if (result.exitCode() != 0 && OperatingSystem.isAlive(pid)) {
			throw failure(this.name + " did not stop: pg_ctl exited with " + result.exitCode() + ": "
					+ result.output().strip(), null);
		}
		if (!OperatingSystem.awaitExit(List.of(pid), STOP_TIMEOUT)) {
			throw failure("The postmaster of " + this.name + " (pid " + pid + ") did not exit", null);
		}
	}

	/**
	 * Stops the server at once ({@code pg_ctl stop -m immediate}, falling back to {@code SIGKILL}) without a
	 * shutdown checkpoint, and releases the shared memory of a server that was killed: used when the cluster
	 * closes.
	 */
	synchronized void closeServer() {
		stopImmediately();
		OperatingSystem.releaseSharedMemory(this.dataDirectory);
	}

	private void stopImmediately() {
		Long pid = readPostmasterPid();
		if (pid == null || !OperatingSystem.isAlive(pid)) {
			this.paused = false;
			return;
		}
		resumeIfPaused();
		OperatingSystem.CommandResult result = this.cluster.pgCtl(
				List.of("-D", this.dataDirectory.toString(), "-m", "immediate", "-w", "-t", "30", "stop"),
				Duration.ofSeconds(45));
		if (result.exitCode() != 0 || !OperatingSystem.awaitExit(List.of(pid), Duration.ofSeconds(10))) {
			logger.warn("pg_ctl stop -m immediate failed for {} ({}): killing it", this.name,
					result.output().strip());
			kill();
		}
	}

	/**
	 * Crashes the server: sends {@code SIGKILL} to the postmaster, then waits until it and every process it had
	 * started (backends, WAL sender or receiver, background workers) have exited: they notice the postmaster's
	 * death by themselves (a paused server's processes are continued so that they can). Processes still alive
	 * after 15 seconds are killed too. Clients see their connections broken and new connections refused. Does
	 * nothing if the server is not running.
	 */
	public synchronized void kill() {
		Long pid = readPostmasterPid();
		if (pid == null || !OperatingSystem.isAlive(pid)) {
			return;
		}
		ProcessHandle postmaster = ProcessHandle.of(pid).orElse(null);
		if (postmaster == null) {
			return;
		}
		List<Long> children = postmaster.descendants().map(ProcessHandle::pid).toList();
		logger.debug("Killing {} (postmaster pid {}, {} child processes)", this.name, pid, children.size());
		postmaster.destroyForcibly();
		if (!OperatingSystem.awaitExit(List.of(pid), Duration.ofSeconds(10))) {
			throw failure("The postmaster of " + this.name + " (pid " + pid + ") survived SIGKILL", null);
		}
		if (this.paused) {
			OperatingSystem.signal("CONT", children);
			this.paused = false;
		}
		if (!OperatingSystem.awaitExit(children, Duration.ofSeconds(15))) {
			List<Long> alive = children.stream().filter(OperatingSystem::isAlive).toList();
			logger.warn("Processes {} of {} outlived their postmaster: killing them", alive, this.name);
			OperatingSystem.signal("KILL", alive);
			if (!OperatingSystem.awaitExit(alive, Duration.ofSeconds(10))) {
				throw failure("Processes " + alive + " of " + this.name + " survived SIGKILL", null);
			}
		}
	}

	/**
	 * Starts the server ({@code pg_ctl start -w}) and waits until it accepts connections; a replica must also be
	 * in recovery and, if the primary is running, streaming WAL from it. Works after {@link #stop()} as well as
	 * after {@link #kill()} or a crash: a stale {@code postmaster.pid} is handled and attempts that fail because
	 * processes of the previous server still hold its shared memory are retried. Does nothing if the server is
	 * already running. Does not {@linkplain #resume() resume} a paused server.
	 * @throws PostgresClusterException if the server does not start within the cluster's startup timeout; the
	 * message ends with the tail of the server log
	 */
	public void start() {
		this.cluster.checkNotClosed();
		startServer(false);
	}

	/**
	 * Starts the server, see {@link #start()}.
	 * @param mayChangePort whether a port taken by another program may be replaced by a new one (first start
	 * only, before any client knows the port)
	 */
	synchronized void startServer(boolean mayChangePort) {
		if (isRunning()) {
			return;
		}
		long started = System.nanoTime();
		long deadline = started + this.cluster.startupTimeout().toNanos();
		int portChanges = 0;
		while (true) {
			discardStaleLockFile(deadline);
			long logOffset = fileSize(this.logFile);
			long seconds = Math.max(1, Duration.ofNanos(deadline - System.nanoTime()).toSeconds());
			OperatingSystem.CommandResult result = this.cluster.pgCtl(List.of("-D", this.dataDirectory.toString(),
					"-l", this.logFile.toString(), "-w", "-t", Long.toString(seconds), "start"),
					Duration.ofSeconds(seconds + 15));
			if (result.exitCode() == 0) {
				break;
			}
			String log = readFrom(this.logFile, logOffset);
			if (isRunning()) {
				// pg_ctl gave up waiting while the server still runs: do not leave it behind.
				stopImmediately();
			}
			if (mayChangePort && portChanges < 5 && isPortTaken(log)) {
				portChanges++;
				int previous = this.port;
				this.cluster.changePort(this);
				logger.warn("Port {} of {} was taken: using port {}", previous, this.name, this.port);
				continue;
			}
			if (isTransient(log) && System.nanoTime() - deadline < 0) {
				logger.debug("{} could not start yet (processes of its previous server still run): retrying",
						this.name);
				OperatingSystem.sleep(Duration.ofMillis(200));
				continue;
			}
			throw failure(this.name + " did not start: pg_ctl exited with " + result.exitCode() + ": "
					+ result.output().strip(), null);
		}
		this.paused = false;
		awaitReady(deadline);
		logger.debug("Started {} on port {} in {} ms", this.name, this.port,
				Duration.ofNanos(System.nanoTime() - started).toMillis());
	}

	/**
	 * After a {@code SIGKILL}, the dead postmaster may linger as a zombie until its parent (init) reaps it. The
	 * new postmaster would take the zombie for a live server and refuse to start; so once the zombie has had a
	 * moment to be reaped, its lock file is deleted. (The shared memory interlock still protects the data
	 * directory: the new postmaster refuses to start while any process is attached to the old segment, which it
	 * finds from the data directory's inode, and such failures are retried.)
	 */
	private void discardStaleLockFile(long deadline) {
		Long pid = readPostmasterPid();
		if (pid == null || OperatingSystem.isAlive(pid) || !OperatingSystem.isZombie(pid)) {
			return;
		}
		long waitUntil = Math.min(deadline, System.nanoTime() + Duration.ofMillis(200).toNanos());
		while (OperatingSystem.isZombie(pid) && System.nanoTime() - waitUntil < 0) {
			OperatingSystem.sleep(Duration.ofMillis(10));
		}
		if (OperatingSystem.isZombie(pid)) {
			try {
				Files.deleteIfExists(this.dataDirectory.resolve("postmaster.pid"));
				logger.debug("Deleted the lock file of {}: its postmaster (pid {}) is a zombie", this.name, pid);
			}
			catch (IOException ex) {
				logger.debug("Could not delete the lock file of {}", this.name, ex);
			}
		}
	}

	private static boolean isPortTaken(String log) {
		return log.contains("could not bind") || log.contains("Address already in use");
	}

	private static boolean isTransient(String log) {
		String text = log.toLowerCase(Locale.ROOT);
		return text.contains("pre-existing shared memory block")
				|| (text.contains("lock file") && text.contains("already exists"));
	}

	private void awaitReady(long deadline) {
		this.queries.awaitReady(deadline, this.cluster.startupTimeout(), this::isRunning, expectsRecovery(),
				this::shouldStream);
	}

	private boolean expectsRecovery() {
		return !this.primaryRole && !this.promoted;
	}

	/** A replica is expected to stream when the primary it follows runs and is not paused. */
	private boolean shouldStream() {
		PostgresNode primary = this.cluster.primaryOrNull();
		return primary != null && primary != this && primary.isRunning() && !primary.isPaused();
	}

	/**
	 * Stops the server cleanly and starts it again: {@link #stop()} then {@link #start()}.
	 */
	public synchronized void restart() {
		stop();
		start();
	}

	/**
	 * Stalls the server: sends {@code SIGSTOP} to the postmaster, then to all its child processes. The port
	 * stays open (the kernel still completes TCP handshakes) but nothing is answered, so clients hang until
	 * their timeouts; a paused replica does not replay WAL. Returns once every process has stopped. Does nothing
	 * if already paused.
	 * @throws IllegalStateException if the server is not running, or its processes did not stop
	 */
	public synchronized void pause() {
		if (this.paused) {
			return;
		}
		long pid = postmasterPid();
		OperatingSystem.signal("STOP", List.of(pid));
		awaitStopped(List.of(pid));
		// Listed once the postmaster is stopped, so that it cannot start another child meanwhile.
		List<Long> children = descendants(pid);
		OperatingSystem.signal("STOP", children);
		awaitStopped(children);
		this.paused = true;
		logger.debug("Paused {}", this.name);
	}

	/**
	 * Continues a {@linkplain #pause() paused} server: sends {@code SIGCONT} to the postmaster and its child
	 * processes. Does nothing if not paused.
	 */
	public synchronized void resume() {
		resumeIfPaused();
	}

	private void resumeIfPaused() {
		if (!this.paused) {
			return;
		}
		Long pid = readPostmasterPid();
		if (pid != null && OperatingSystem.isAlive(pid)) {
			List<Long> all = new ArrayList<>();
			all.add(pid);
			all.addAll(descendants(pid));
			OperatingSystem.signal("CONT", all);
		}
		this.paused = false;
		logger.debug("Resumed {}", this.name);
	}

	private void awaitStopped(List<Long> pids) {
		if (!OperatingSystem.awaitStopped(pids, STOP_TIMEOUT)) {
			throw new IllegalStateException("Sent SIGSTOP to " + this.name + " (processes " + pids
					+ ") but not all of them stopped within " + STOP_TIMEOUT.toSeconds() + " s");
		}
	}

	private static List<Long> descendants(long pid) {
		return ProcessHandle.of(pid)
			.map((handle) -> handle.descendants().map(ProcessHandle::pid).toList())
			.orElse(List.of());
	}

	/**
	 * Makes this replica lag: sets {@code recovery_min_apply_delay} with {@code ALTER SYSTEM} and reloads the
	 * configuration, so it takes effect at once, without a restart, and survives restarts. The replica still
	 * receives WAL at once but applies each commit record only once it is {@code delay} old (only commits are
	 * delayed: the rest of the WAL waits behind them). Returns once the server has loaded the new value.
	 * @param delay the delay, from zero to about 24 days, in whole milliseconds
	 * @throws IllegalStateException if this is the primary, a promoted replica, or not running
	 */
	public synchronized void setReplayDelay(Duration delay) {
		applyReplayDelay(NodeQueries.setReplayDelay(delay), delay.toMillis());
	}

	/**
	 * Removes the replay delay set by {@link #setReplayDelay(Duration)} ({@code ALTER SYSTEM RESET}) and reloads
	 * the configuration: WAL that was held back is applied at once.
	 * @throws IllegalStateException if this is the primary, a promoted replica, or not running
	 */
	public synchronized void clearReplayDelay() {
		applyReplayDelay(NodeQueries.RESET_REPLAY_DELAY, 0);
	}

	private void applyReplayDelay(String alterSystem, long expectedMillis) {
		NodeStates.requireReplica(this, "set a replay delay");
		NodeStates.requireRunning(this);
		this.queries.applyReplayDelay(alterSystem, expectedMillis);
		logger.debug("recovery_min_apply_delay of {} is now {} ms", this.name, expectedMillis);
	}

	/**
	 * Promotes this replica to a primary ({@code pg_ctl promote -w}) and waits until it has left recovery and
	 * accepts writes. The other replicas keep following the original primary. Typically preceded by stopping
	 * or killing the primary.
	 * @throws IllegalStateException if this is the primary or not running
	 */
	public synchronized void promote() {
		NodeStates.requireReplica(this, "be promoted");
		NodeStates.requireRunning(this);
		if (this.promoted) {
			return;
		}
		resumeIfPaused();
		long deadline = System.nanoTime() + this.cluster.startupTimeout().toNanos();
		OperatingSystem.CommandResult result = this.cluster.pgCtl(List.of("-D", this.dataDirectory.toString(),
				"-w", "-t", Long.toString(this.cluster.startupTimeout().toSeconds()), "promote"),
				this.cluster.startupTimeout().plusSeconds(15));
		if (result.exitCode() != 0) {
			throw failure(this.name + " was not promoted: pg_ctl exited with " + result.exitCode() + ": "
					+ result.output().strip(), null);
		}
		this.queries.awaitLeftRecovery(deadline);
		this.promoted = true;
		logger.debug("Promoted {}", this.name);
	}

	/**
	 * Returns the node's WAL position: {@code pg_current_wal_lsn()} on a primary (or promoted replica),
	 * {@code pg_last_wal_replay_lsn()} on a replica. Compare positions with the server ({@code pg_lsn} type),
	 * not as strings.
	 * @return the position in text form, such as {@code 0/3000060}
	 * @throws PostgresClusterException if the server cannot be queried
	 */
	public String lsn() {
		return this.queries.lsn();
	}

	/** Returns {@code pg_current_wal_lsn()}: the primary's current write position. */
	String currentWalLsn() {
		return this.queries.currentWalLsn();
	}

	/**
	 * Waits until this replica has replayed WAL up to the given position (its {@code pg_last_wal_replay_lsn()}
	 * is at or past it), so that everything committed before that position is visible on it.
	 * @param lsn a WAL position, typically the primary's {@link #lsn()}
	 * @param timeout how long to wait; checked at least once
	 * @throws PostgresClusterException on timeout, with the replica's replay position and WAL receiver status
	 */
	public void awaitReplay(String lsn, Duration timeout) {
		NodeStates.requireReplica(this, "replay WAL");
		this.queries.awaitReplay(lsn, timeout);
	}

	/**
	 * Waits until this replica's WAL receiver streams from the primary ({@code pg_stat_wal_receiver.status} is
	 * {@code streaming}), for example after the primary restarted.
	 * @param timeout how long to wait; checked at least once
	 * @throws PostgresClusterException on timeout
	 */
	public void awaitStreaming(Duration timeout) {
		NodeStates.requireReplica(this, "stream WAL");
		this.queries.awaitStreaming(timeout);
	}

	/**
	 * Returns the server's data directory (inside the cluster's temporary directory, deleted on close).
	 * @return the data directory
	 */
	public Path dataDirectory() {
		return this.dataDirectory;
	}

	/**
	 * Returns the server's log file (server output, as written by {@code pg_ctl -l}); every start appends to it.
	 * @return the log file
	 */
	public Path logFile() {
		return this.logFile;
	}

	/**
	 * Returns the last lines of the {@linkplain #logFile() server log}, with passwords masked.
	 * @param lines how many lines at most
	 * @return the tail of the log, empty if there is none
	 */
	public String logTail(int lines) {
		long size = fileSize(this.logFile);
		String text = readFrom(this.logFile, Math.max(0, size - 64 * 1024));
		List<String> all = text.lines().toList();
		return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
	}

	void setPort(int port) {
		this.port = port;
	}

	void createDatabase(String database) {
		try (Connection connection = connectInternally("postgres");
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE \"" + database.replace("\"", "\"\"") + "\"");
		}
		catch (SQLException ex) {
			throw failure("Could not create database " + database + ": " + ex.getMessage(), ex);
		}
	}

	private PostgresClusterException failure(String message, @Nullable Throwable cause) {
		String tail = logTail(LOG_TAIL_LINES);
		String text = message + System.lineSeparator() + "--- last lines of " + this.logFile + " ---"
				+ System.lineSeparator() + tail;
		return new PostgresClusterException(text, cause);
	}

	private static long fileSize(Path file) {
		try {
			return Files.size(file);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static String readFrom(Path file, long offset) {
		try (RandomAccessFile input = new RandomAccessFile(file.toFile(), "r")) {
			long length = input.length();
			if (offset >= length) {
				return "";
			}
			byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
			input.seek(offset);
			input.readFully(bytes);
			return Secrets.mask(new String(bytes, StandardCharsets.UTF_8));
		}
		catch (FileNotFoundException ex) {
			return "";
		}
		catch (IOException ex) {
			return "(could not read " + file + ": " + ex.getMessage() + ")";
		}
	}

	/**
	 * Describes the node without secrets.
	 * @return for example {@code replica-1 (replica, 127.0.0.1:40213)}
	 */
	@Override
	public String toString() {
		return this.name + " (" + (this.primaryRole ? "primary" : "replica") + ", " + HOST + ":" + this.port + ")";
	}

}
