package io.replicarouter.patroni;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A real Patroni cluster on loopback, for tests: one etcd and Patroni members named
 * {@code pg0}, {@code pg1}, ..., each managing its own PostgreSQL 15, every server on a free
 * port of 127.0.0.1. Uses the programs of Debian's {@code etcd-server}, {@code patroni} and
 * {@code postgresql-15} packages; {@link #unavailableReason()} tells whether they are
 * there, so that tests can skip without them.
 * <p>
 * Patroni reaches etcd through its v3 API ({@code etcd3}; Patroni's client needs python3-etcd).
 * When this JVM runs as root, etcd and every Patroni (hence every PostgreSQL) run as
 * {@code nobody} (uid and gid 65534) through {@code setpriv}; their directories are owned
 * by that user, mode {@code 0700}.
 * <p>
 * Clients connect as the superuser {@link #username()} with {@link #password()} to the
 * database {@link #DATABASE} of any member ({@link #jdbcUrl(String)}); {@code pg_hba.conf}
 * asks for a SCRAM password from 127.0.0.1, for replication too. The DCS timings are small
 * ({@link #TTL}, {@link #LOOP_WAIT}, {@link #RETRY_TIMEOUT}), so that a leader that dies is
 * replaced in about {@link #TTL} (8 s measured on two cores); {@code use_pg_rewind} lets a
 * former leader rejoin as a replica. Three members are healthy about 7 s after
 * {@link #start(Path, int)}.
 * <p>
 * Patroni 3.0.2 reports a replica that streams as role {@code replica} with state
 * {@code running} (later versions say {@code streaming}); this class waits for
 * {@code running}, lag 0, the leader's timeline and, on the leader's side, a walsender in
 * state {@code streaming} for the member ({@code GET /patroni} on the leader).
 * <p>
 * Each member's REST API is reached through a proxy on 127.0.0.1, which Patroni
 * advertises as its {@code api_url}: {@link #pauseRestApis()} makes it a black hole while
 * Patroni and PostgreSQL go on.
 * <p>
 * Every method that changes the cluster ({@link #switchover(String)}, {@link #failover()},
 * {@link #addMember(Map)}, {@link #restartMember(String)}, ...) returns once the cluster is
 * {@linkplain #awaitHealthy(Duration) healthy} again, except those made to leave it broken
 * ({@link #killPostmaster(String)}, {@link #crashMember(String)},
 * {@link #stopMember(String)}, {@link #pauseRestApis()}). {@link #close()} stops
 * everything and deletes the data directories; the logs stay in the work directory. It is
 * also a JVM shutdown hook, so that a test that dies leaves no server behind.
 * <p>
 * Typical use: <pre class="code">
 * assumeTrue(PatroniCluster.unavailableReason().isEmpty(), () -&gt; PatroniCluster.unavailableReason().get());
 * try (PatroniCluster cluster = PatroniCluster.start(workDir, 3)) {
 * 	String leader = cluster.leader();
 * 	try (Connection connection = cluster.connect(leader)) { ... }
 * 	cluster.switchover("pg1");
 * }
 * </pre>
 */
public final class PatroniCluster implements AutoCloseable {

	/** The Patroni cluster's name ({@code scope}). */
	public static final String SCOPE = "replica-router";

	/** The database clients connect to. */
	public static final String DATABASE = "postgres";

	/** Where PostgreSQL 15's programs are (Debian's {@code postgresql-15}). */
	public static final Path POSTGRES_BIN_DIR = Path.of("/usr/lib/postgresql/15/bin");

	/**
	 * How long the leader key lives without being renewed: about the time from a leader's
	 * death to the election of another.
	 */
	public static final Duration TTL = Duration.ofSeconds(8);

	/** How long each Patroni sleeps between two runs of its HA loop. */
	public static final Duration LOOP_WAIT = Duration.ofSeconds(1);

	/**
	 * How long Patroni retries DCS and PostgreSQL operations; Patroni's rule
	 * {@code loop_wait + 2 * retry_timeout <= ttl} holds.
	 */
	public static final Duration RETRY_TIMEOUT = Duration.ofSeconds(3);

	/** How long the methods that change the cluster wait for it to be healthy again. */
	public static final Duration HEALTHY_TIMEOUT = Duration.ofSeconds(90);

	private static final String USERNAME = "postgres";

	private static final String REPLICATION_USERNAME = "replicator";

	private static final List<String> POSTGRES_PROGRAMS = List.of("postgres", "initdb", "pg_ctl", "pg_basebackup",
			"pg_rewind", "pg_controldata");

	private static final String INSTALL_HINT = ".ci/run installs them as root with Debian's packages"
			+ " (apt-get install etcd-server patroni postgresql-15; patroni brings python3-etcd)";

	private static final ObjectMapper JSON = new ObjectMapper();

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

	private static volatile Optional<String> unavailableReason;

	private final Path workDir;

	private final String password = "postgres-" + UUID.randomUUID();

	private final String replicationPassword = "replicator-" + UUID.randomUUID();

	private final List<Node> nodes = new CopyOnWriteArrayList<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private final Thread shutdownHook = new Thread(this::close, "patroni-cluster-stop");

	private ManagedProcess etcd;

	private int etcdPort;

	private PatroniCluster(Path workDir) {
		this.workDir = workDir;
	}

	/**
	 * Why a cluster cannot be started here: etcd, patroni, patronictl or PostgreSQL 15 is
	 * missing or does not run (or, as root, {@code setpriv}). Checked once per JVM.
	 * @return a sentence naming what is missing, empty when everything is there
	 */
	public static Optional<String> unavailableReason() {
		Optional<String> reason = unavailableReason;
		if (reason == null) {
			reason = checkPrograms();
			unavailableReason = reason;
		}
		return reason;
	}

	private static Optional<String> checkPrograms() {
		List<String> missing = new ArrayList<>();
		checkProgram(missing, "etcd", "--version", "etcd Version: 3.");
		Optional<Path> patroni = checkProgram(missing, "patroni", "--version", "patroni ");
		checkProgram(missing, "patronictl", "version", "patronictl version ");
		patroni.ifPresent((program) -> checkEtcdModule(missing, program));
		List<String> absent = POSTGRES_PROGRAMS.stream()
			.filter((name) -> !Files.isExecutable(POSTGRES_BIN_DIR.resolve(name)))
			.toList();
		if (!Files.isDirectory(POSTGRES_BIN_DIR)) {
			missing.add("PostgreSQL 15 is not installed (no " + POSTGRES_BIN_DIR + ")");
		}
		else if (!absent.isEmpty()) {
			missing.add(POSTGRES_BIN_DIR + " lacks " + String.join(", ", absent));
		}
		else {
			checkOutput(missing, POSTGRES_BIN_DIR.resolve("postgres"), "--version", "(PostgreSQL) 15.");
		}
		if (Executables.isRoot() && Executables.find("setpriv").isEmpty()) {
			missing.add("setpriv (util-linux), to run the servers as nobody");
		}
		if (missing.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of("A Patroni cluster cannot run here: " + String.join("; ", missing) + ". " + INSTALL_HINT
				+ ".");
	}

	private static Optional<Path> checkProgram(List<String> missing, String name, String versionArgument,
			String expectedOutput) {
		Optional<Path> program = Executables.find(name);
		if (program.isEmpty()) {
			missing.add(name + " is not installed");
			return program;
		}
		return checkOutput(missing, program.get(), versionArgument, expectedOutput) ? program : Optional.empty();
	}

	private static boolean checkOutput(List<String> missing, Path program, String argument, String expectedOutput) {
		try {
			Executables.Result result = Executables.run(List.of(program.toString(), argument));
			if (result.exitCode() == 0 && result.output().contains(expectedOutput)) {
				return true;
			}
			missing.add(program + " " + argument + " did not print '" + expectedOutput + "' (exit code "
					+ result.exitCode() + ": " + abbreviate(result.output()) + ")");
		}
		catch (IOException ex) {
			missing.add(program + " does not run: " + ex.getMessage());
		}
		return false;
	}

	/** Patroni talks to etcd through the python-etcd module (Debian's python3-etcd). */
	private static void checkEtcdModule(List<String> missing, Path patroni) {
		try {
			String firstLine = Files.readAllLines(patroni, StandardCharsets.ISO_8859_1).stream().findFirst().orElse("");
			if (!firstLine.startsWith("#!")) {
				return;
			}
			List<String> command = new ArrayList<>(List.of(firstLine.substring(2).trim().split("\\s+")));
			command.addAll(List.of("-c", "import etcd"));
			Executables.Result result = Executables.run(command);
			if (result.exitCode() != 0) {
				missing.add("Patroni's Python cannot import etcd (python3-etcd): " + abbreviate(result.output()));
			}
		}
		catch (IOException ex) {
			missing.add("Could not check Patroni's python3-etcd: " + ex.getMessage());
		}
	}

	private static String abbreviate(String text) {
		String oneLine = text.replace('\n', ' ');
		return (oneLine.length() > 200) ? oneLine.substring(oneLine.length() - 200) : oneLine;
	}

	/**
	 * Start etcd, then {@code pg0}, which bootstraps the cluster and becomes its leader, then
	 * the other members, which clone it with {@code pg_basebackup}. Returns once every member
	 * streams from {@code pg0} with lag 0.
	 * @param workDir an absent or empty directory for the servers' files and logs, which
	 * {@code nobody} can reach (every parent searchable by others)
	 * @param members how many members, at least 1
	 * @return the running cluster
	 * @throws IllegalStateException if the programs are missing ({@link #unavailableReason()})
	 * or the cluster does not become healthy within {@link #HEALTHY_TIMEOUT}
	 */
	public static PatroniCluster start(Path workDir, int members) {
		if (members < 1) {
			throw new IllegalArgumentException("A cluster has at least one member, not " + members);
		}
		unavailableReason().ifPresent((reason) -> {
			throw new IllegalStateException(reason);
		});
		Path directory = workDir.toAbsolutePath().normalize();
		prepareWorkDir(directory);
		PatroniCluster cluster = new PatroniCluster(directory);
		Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
		try {
			cluster.startEtcd();
			Node first = cluster.startNode(Map.of());
			cluster.await("pg0 to lead", HEALTHY_TIMEOUT, () -> {
				cluster.checkAlive(List.of(first));
				Member member = cluster.membersIfAnswered().stream()
					.filter((candidate) -> candidate.name().equals(first.name))
					.findFirst()
					.orElse(null);
				return (member != null && member.isLeader() && member.isRunning()) ? first.name : null;
			});
			for (int i = 1; i < members; i++) {
				cluster.startNode(Map.of());
			}
			cluster.awaitHealthy(HEALTHY_TIMEOUT);
			return cluster;
		}
		catch (RuntimeException | Error ex) {
			cluster.close();
			throw new IllegalStateException("The Patroni cluster did not start (files and logs: " + directory + ")",
					ex);
		}
	}

	private static void prepareWorkDir(Path directory) {
		try {
			Files.createDirectories(directory);
			try (Stream<Path> entries = Files.list(directory)) {
				if (entries.findAny().isPresent()) {
					throw new IllegalArgumentException(directory + " is not empty");
				}
			}
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
			if (Executables.isRoot()) {
				for (Path parent = directory.getParent(); parent != null; parent = parent.getParent()) {
					if (!Files.getPosixFilePermissions(parent).contains(PosixFilePermission.OTHERS_EXECUTE)) {
						throw new IllegalArgumentException(parent + " cannot be searched by nobody (uid "
								+ Executables.SERVER_ID + "), who runs the servers: choose another work directory");
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void startEtcd() {
		this.etcdPort = Executables.freePort();
		int peerPort = Executables.freePort();
		Path directory = this.workDir.resolve("etcd");
		Executables.createPrivateDirectory(directory);
		String clientUrl = "http://127.0.0.1:" + this.etcdPort;
		String peerUrl = "http://127.0.0.1:" + peerPort;
		List<String> command = List.of(Executables.require("etcd").toString(), "--name", "etcd", "--data-dir",
				directory.resolve("data").toString(), "--listen-client-urls", clientUrl, "--advertise-client-urls",
				clientUrl, "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
				"--initial-cluster", "etcd=" + peerUrl, "--logger", "zap", "--log-level", "warn");
		this.etcd = ManagedProcess.start("etcd", Executables.unprivileged(command),
				Map.of("HOME", directory.toString()), directory, this.workDir.resolve("etcd.log"));
		await("etcd to be healthy", Duration.ofSeconds(30), () -> {
			if (!this.etcd.isAlive()) {
				throw new IllegalStateException("etcd " + this.etcd.status() + ":\n" + this.etcd.logTail(40));
			}
			try {
				return get(clientUrl + "/health", REQUEST_TIMEOUT).path("health").asString().equals("true") ? "" : null;
			}
			catch (IOException ex) {
				return null;
			}
		});
	}

	private Node startNode(Map<String, Object> tags) {
		String name = "pg" + this.nodes.size();
		int restPort = Executables.freePort();
		Node node = new Node(name, this.workDir.resolve(name), Executables.freePort(), restPort,
				RestProxy.start(name, restPort), tags);
		Executables.createPrivateDirectory(node.directory);
		try {
			Files.writeString(node.configFile(), JSON.writerWithDefaultPrettyPrinter()
				.writeValueAsString(configuration(node)), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not write " + node.configFile(), ex);
		}
		Executables.giveToServerUser(node.directory);
		this.nodes.add(node);
		startPatroni(node);
		return node;
	}

	/**
	 * A member's configuration. Patroni reads YAML, of which JSON is a subset.
	 */
	private Map<String, Object> configuration(Node node) {
		Map<String, Object> dcsParameters = new LinkedHashMap<>();
		dcsParameters.put("wal_level", "replica");
		dcsParameters.put("hot_standby", "on");
		// pg_rewind needs hint bits WAL-logged (or data checksums) and full page writes (the default).
		dcsParameters.put("wal_log_hints", "on");
		dcsParameters.put("max_connections", 60);
		dcsParameters.put("max_wal_senders", 10);
		dcsParameters.put("max_replication_slots", 10);
		dcsParameters.put("hot_standby_feedback", "off");
		Map<String, Object> dcs = new LinkedHashMap<>();
		dcs.put("ttl", TTL.toSeconds());
		dcs.put("loop_wait", LOOP_WAIT.toSeconds());
		dcs.put("retry_timeout", RETRY_TIMEOUT.toSeconds());
		dcs.put("maximum_lag_on_failover", 1048576);
		dcs.put("postgresql", Map.of("use_pg_rewind", true, "use_slots", true, "parameters", dcsParameters));

		Map<String, Object> localParameters = new LinkedHashMap<>();
		// TCP only: a socket path under a deep work directory could exceed the 107 bytes allowed.
		localParameters.put("unix_socket_directories", "");
		// Crashes here are process crashes (kill -9), after which the page cache still holds every write.
		localParameters.put("fsync", "off");
		localParameters.put("shared_buffers", "16MB");
		// A replica retries streaming soon, as when it starts before the leader has created its slot.
		localParameters.put("wal_retrieve_retry_interval", "500ms");
		Map<String, Object> postgresql = new LinkedHashMap<>();
		postgresql.put("listen", "127.0.0.1:" + node.pgPort);
		postgresql.put("connect_address", "127.0.0.1:" + node.pgPort);
		postgresql.put("data_dir", node.dataDirectory().toString());
		postgresql.put("bin_dir", POSTGRES_BIN_DIR.toString());
		postgresql.put("pgpass", node.directory.resolve("pgpass").toString());
		postgresql.put("authentication",
				Map.of("superuser", Map.of("username", USERNAME, "password", this.password), "replication",
						Map.of("username", REPLICATION_USERNAME, "password", this.replicationPassword)));
		postgresql.put("parameters", localParameters);
		// The whole pg_hba.conf (bootstrap.pg_hba would be appended to initdb's lines).
		postgresql.put("pg_hba", List.of("host all all 127.0.0.1/32 scram-sha-256",
				"host replication " + REPLICATION_USERNAME + " 127.0.0.1/32 scram-sha-256"));
		postgresql.put("basebackup", List.of(Map.of("checkpoint", "fast")));

		Map<String, Object> configuration = new LinkedHashMap<>();
		configuration.put("scope", SCOPE);
		configuration.put("name", node.name);
		// Patroni advertises the proxy, so that everyone reaches the REST API through it.
		configuration.put("restapi",
				Map.of("listen", "127.0.0.1:" + node.restPort, "connect_address", "127.0.0.1:" + node.proxy.port()));
		configuration.put("etcd3", Map.of("host", "127.0.0.1:" + this.etcdPort));
		configuration.put("bootstrap", Map.of("dcs", dcs, "initdb",
				List.of(Map.of("encoding", "UTF8"), Map.of("locale", "C"), Map.of("auth", "scram-sha-256"))));
		configuration.put("postgresql", postgresql);
		configuration.put("watchdog", Map.of("mode", "off"));
		if (!node.tags.isEmpty()) {
			configuration.put("tags", node.tags);
		}
		return configuration;
	}

	private void startPatroni(Node node) {
		if (this.closed.get()) {
			throw new IllegalStateException("The cluster is closed");
		}
		List<String> command = List.of(Executables.require("patroni").toString(), node.configFile().toString());
		node.proxy.listen();
		node.patroni = ManagedProcess.start(node.name, Executables.unprivileged(command),
				Map.of("HOME", node.directory.toString()), node.directory, node.log);
		if (this.closed.get()) {
			node.patroni.kill();
		}
	}

	/**
	 * The superuser clients connect as.
	 * @return {@code postgres}
	 */
	public String username() {
		return USERNAME;
	}

	/**
	 * The superuser's password, random for each cluster.
	 * @return the password
	 */
	public String password() {
		return this.password;
	}

	/**
	 * The directory of the servers' files and logs.
	 * @return the work directory
	 */
	public Path workDir() {
		return this.workDir;
	}

	/**
	 * The names of the members ever started, in order, including those stopped or crashed.
	 * @return {@code pg0}, {@code pg1}, ...
	 */
	public List<String> memberNames() {
		return this.nodes.stream().map((node) -> node.name).toList();
	}

	/**
	 * The REST API of every member, in order: the proxy in front of it, which Patroni
	 * advertises as its {@code api_url} and {@link #pauseRestApis()} turns into a black
	 * hole.
	 * @return URLs such as {@code http://127.0.0.1:8008}, without a trailing slash
	 */
	public List<String> restUrls() {
		return this.nodes.stream().map(Node::restUrl).toList();
	}

	/**
	 * One member's REST API (through its proxy, see {@link #restUrls()}).
	 * @param member the member's name
	 * @return a URL such as {@code http://127.0.0.1:8008}
	 */
	public String restUrl(String member) {
		return node(member).restUrl();
	}

	/**
	 * The port of a member's PostgreSQL on 127.0.0.1.
	 * @param member the member's name
	 * @return the port
	 */
	public int pgPort(String member) {
		return node(member).pgPort;
	}

	/**
	 * A JDBC URL of a member's PostgreSQL.
	 * @param member the member's name
	 * @return {@code jdbc:postgresql://127.0.0.1:PORT/postgres}
	 */
	public String jdbcUrl(String member) {
		return "jdbc:postgresql://127.0.0.1:" + pgPort(member) + "/" + DATABASE;
	}

	/**
	 * Connect to a member's PostgreSQL as {@link #username()}.
	 * @param member the member's name
	 * @return a new connection
	 * @throws SQLException if the connection fails
	 */
	public Connection connect(String member) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", USERNAME);
		properties.setProperty("password", this.password);
		properties.setProperty("connectTimeout", "5");
		properties.setProperty("socketTimeout", "30");
		return DriverManager.getConnection(jdbcUrl(member), properties);
	}

	/**
	 * The cluster as Patroni sees it: {@code GET /cluster} on the first member whose REST API
	 * answers.
	 * @return the members Patroni knows, in its order (by name)
	 * @throws IllegalStateException if no REST API answers
	 */
	public List<Member> members() {
		JsonNode cluster = clusterJson();
		List<Member> members = new ArrayList<>();
		for (JsonNode member : cluster.path("members")) {
			members.add(Member.of(member));
		}
		return members;
	}

	/** {@link #members()}, empty while no REST API answers. */
	private List<Member> membersIfAnswered() {
		try {
			return members();
		}
		catch (IllegalStateException ex) {
			return List.of();
		}
	}

	/**
	 * One member as Patroni sees it.
	 * @param name the member's name
	 * @return the member, empty if {@code /cluster} does not list it
	 */
	public Optional<Member> member(String name) {
		return members().stream().filter((member) -> member.name().equals(name)).findFirst();
	}

	/**
	 * The member holding the leader lock whose PostgreSQL runs.
	 * @return its name
	 * @throws IllegalStateException if there is none
	 */
	public String leader() {
		List<Member> members = members();
		return members.stream()
			.filter((member) -> member.isLeader() && member.isRunning())
			.map(Member::name)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("No running leader: " + members));
	}

	/**
	 * The members with a replica role whose PostgreSQL runs (they may still lag).
	 * @return their names
	 */
	public List<String> replicas() {
		return members().stream()
			.filter((member) -> member.isReplica() && member.isRunning())
			.map(Member::name)
			.toList();
	}

	/**
	 * Wait until the cluster is healthy: one running leader, and every member whose Patroni
	 * runs a replica in state {@code running} with lag 0 on the leader's timeline, which the
	 * leader sees streaming ({@code replication} of its {@code GET /patroni}).
	 * @param timeout how long to wait
	 * @return the leader's name
	 * @throws IllegalStateException on timeout, or if a member's Patroni exits
	 */
	public String awaitHealthy(Duration timeout) {
		return await("the cluster to be healthy", timeout, this::healthyLeader);
	}

	private String healthyLeader() {
		List<Node> running = this.nodes.stream().filter(Node::isRunning).toList();
		checkAlive(running);
		List<Member> members = membersIfAnswered();
		Map<String, Member> byName = new LinkedHashMap<>();
		members.forEach((member) -> byName.put(member.name(), member));
		List<Member> leaders = members.stream().filter(Member::isLeader).toList();
		if (leaders.size() != 1 || !leaders.get(0).isRunning()) {
			return null;
		}
		Member leader = leaders.get(0);
		List<String> replicas = new ArrayList<>();
		for (Node node : running) {
			if (node.name.equals(leader.name())) {
				continue;
			}
			Member member = byName.get(node.name);
			if (member == null || !member.isReplica() || !member.isRunning()
					|| !Long.valueOf(0).equals(member.lagBytes()) || member.timeline() == null
					|| !member.timeline().equals(leader.timeline())) {
				return null;
			}
			replicas.add(node.name);
		}
		if (!replicas.isEmpty()) {
			try {
				List<String> streaming = new ArrayList<>();
				for (JsonNode replication : get(node(leader.name()).restUrl() + "/patroni", REQUEST_TIMEOUT)
					.path("replication")) {
					if ("streaming".equals(replication.path("state").asString())) {
						streaming.add(replication.path("application_name").asString());
					}
				}
				if (!streaming.containsAll(replicas)) {
					return null;
				}
			}
			catch (IOException | IllegalArgumentException ex) {
				return null;
			}
		}
		return leader.name();
	}

	/**
	 * Wait until a member other than the given one holds the leader lock with its
	 * PostgreSQL running (promoted).
	 * @param old the former leader
	 * @param timeout how long to wait
	 * @return the new leader's name
	 */
	public String awaitLeaderOtherThan(String old, Duration timeout) {
		return await("a leader other than " + old, timeout, () -> membersIfAnswered().stream()
			.filter((member) -> member.isLeader() && member.isRunning() && !member.name().equals(old))
			.map(Member::name)
			.findFirst()
			.orElse(null));
	}

	/**
	 * Switch the leadership over to a replica ({@code POST /switchover} on the leader): the
	 * leader stops its PostgreSQL cleanly, the candidate is promoted, the former leader
	 * follows it.
	 * @param candidate the replica to promote
	 * @throws IllegalStateException if Patroni refuses, or the cluster is not healthy, with
	 * the candidate leading, within {@link #HEALTHY_TIMEOUT}
	 */
	public synchronized void switchover(String candidate) {
		node(candidate);
		String leader = leader();
		if (leader.equals(candidate)) {
			throw new IllegalArgumentException(candidate + " already leads");
		}
		HttpResponse<String> response = post(restUrl(leader) + "/switchover",
				Map.of("leader", leader, "candidate", candidate));
		if (response.statusCode() != 200) {
			throw new IllegalStateException("Switchover from " + leader + " to " + candidate + " refused: "
					+ response.statusCode() + " " + response.body() + "\n" + diagnostics());
		}
		String healthyLeader = awaitHealthy(HEALTHY_TIMEOUT);
		if (!healthyLeader.equals(candidate)) {
			throw new IllegalStateException("After the switchover to " + candidate + ", " + healthyLeader + " leads");
		}
	}

	/**
	 * Kill the leader's postmaster with SIGKILL, leaving its Patroni running, and return at
	 * once. With Patroni's default {@code primary_start_timeout} (300 s) Patroni keeps the
	 * leader lock, runs crash recovery and starts PostgreSQL again on the same member, on a
	 * new timeline: the same leader is back within seconds and the replicas follow it
	 * ({@link #awaitHealthy(Duration)}). After {@code configure(Map.of("primary_start_timeout", 0))}
	 * Patroni fails over instead: a replica is promoted within seconds and the former leader
	 * rejoins as a replica by itself.
	 * @return the leader's name
	 */
	public synchronized String killLeaderPostmaster() {
		String leader = leader();
		killPostmaster(leader);
		return leader;
	}

	/**
	 * Kill a member's postmaster with SIGKILL (its pid is the first line of
	 * {@code postmaster.pid}), leaving its Patroni running, and return at once.
	 * @param member the member's name
	 * @return whether a postmaster was killed
	 */
	public boolean killPostmaster(String member) {
		return killPostmaster(node(member));
	}

	/**
	 * A real failover, as when the leader's machine dies: {@linkplain #crashMember(String)
	 * crash} the leader (SIGKILL to its Patroni and its postmaster), wait for its leader key
	 * to expire ({@link #TTL}) and a replica to be promoted, then start the former leader's
	 * Patroni again, which rewinds its data directory ({@code pg_rewind}) and rejoins as a
	 * replica. Returns once the cluster is healthy again.
	 * @return who led before, who leads now, and how long the cluster had no leader
	 */
	public synchronized Failover failover() {
		String old = awaitHealthy(HEALTHY_TIMEOUT);
		long crashed = System.nanoTime();
		crashMember(old);
		String promoted = awaitLeaderOtherThan(old, TTL.multipliedBy(4).plus(HEALTHY_TIMEOUT));
		Duration leaderless = Duration.ofNanos(System.nanoTime() - crashed);
		restartMember(old);
		return new Failover(old, promoted, leaderless);
	}

	/**
	 * Kill a member's Patroni and then its postmaster with SIGKILL, as if its machine had
	 * died, and return at once: its REST API refuses connections from now on. Its keys in
	 * etcd expire after {@link #TTL}; if it led, a replica is then promoted.
	 * {@link #restartMember(String)} brings it back.
	 * @param member the member's name
	 */
	public synchronized void crashMember(String member) {
		Node node = node(member);
		if (node.patroni != null) {
			node.patroni.kill();
		}
		node.stopped = true;
		node.proxy.refuse();
		killPostmaster(node);
	}

	/**
	 * Stop a member cleanly (SIGTERM to its Patroni, which stops PostgreSQL and, if it leads,
	 * releases the leader lock so that a replica takes over at once). Returns once its
	 * Patroni has exited; its REST API refuses connections from then on.
	 * {@link #restartMember(String)} brings it back.
	 * @param member the member's name
	 */
	public synchronized void stopMember(String member) {
		Node node = node(member);
		stopPatroni(node);
		node.stopped = true;
		node.proxy.refuse();
	}

	/**
	 * (Re)start a member's Patroni: stop it cleanly first if it runs, then start it and wait
	 * until the cluster is healthy, the member included (a former leader rewinds first).
	 * @param member the member's name
	 */
	public synchronized void restartMember(String member) {
		Node node = node(member);
		stopPatroni(node);
		node.proxy.refuse();
		node.stopped = false;
		startPatroni(node);
		awaitHealthy(HEALTHY_TIMEOUT);
	}

	/**
	 * Start one more member, named after the last one, which clones the leader with
	 * {@code pg_basebackup}, and wait until it streams.
	 * @param tags the member's Patroni tags, such as {@code Map.of("noloadbalance", true)}
	 * (its {@code GET /replica} answers 503) or {@code Map.of("nofailover", true)} (never
	 * promoted); empty for none
	 * @return the new member's name
	 */
	public synchronized String addMember(Map<String, Object> tags) {
		Node node = startNode(new LinkedHashMap<>(tags));
		awaitHealthy(HEALTHY_TIMEOUT);
		return node.name;
	}

	/**
	 * Make every member's REST API unreachable while PostgreSQL and Patroni go on: each
	 * member's REST API is reached through a proxy on 127.0.0.1 ({@link #restUrl(String)},
	 * also the {@code api_url} Patroni advertises to clients and to the other members),
	 * which from now on accepts connections but forwards nothing, so that every request
	 * times out, as behind a network black hole. Patroni's HA loops are not affected: the
	 * leader keeps renewing its key in etcd, so no failover follows, however long the pause.
	 * {@link #members()} and the methods that wait for the cluster fail meanwhile.
	 * <p>
	 * Not SIGSTOP to the Patroni processes: a leader's Patroni frozen for longer than
	 * {@link #RETRY_TIMEOUT} may find, once resumed, its etcd request timed out, and demote
	 * its PostgreSQL ("demoting self because DCS is not accessible"), which Patroni 3.0.2 did
	 * here.
	 */
	public synchronized void pauseRestApis() {
		this.nodes.forEach((node) -> node.proxy.pause());
	}

	/**
	 * Make one member's REST API unreachable, as {@link #pauseRestApis()} does for all; the
	 * other members cannot reach it either, which matters only when they race for a free
	 * leader key.
	 * @param member the member's name
	 */
	public synchronized void pauseRestApi(String member) {
		node(member).proxy.pause();
	}

	/**
	 * Make every REST API reachable again; the requests held meanwhile go through, late.
	 */
	public synchronized void resumeRestApis() {
		this.nodes.forEach((node) -> node.proxy.resume());
	}

	/**
	 * Make one member's REST API reachable again.
	 * @param member the member's name
	 */
	public synchronized void resumeRestApi(String member) {
		node(member).proxy.resume();
	}

	/**
	 * Change the cluster's dynamic configuration ({@code PATCH /config}), such as
	 * {@code Map.of("primary_start_timeout", 0)}; each Patroni applies it within a loop
	 * ({@link #LOOP_WAIT}).
	 * @param changes the keys to change; a {@code null} value removes a key
	 * @return the whole dynamic configuration after the change
	 */
	public synchronized JsonNode configure(Map<String, Object> changes) {
		String target = restUrl(leader());
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create(target + "/config"))
				.timeout(REQUEST_TIMEOUT)
				.header("Content-Type", "application/json")
				.method("PATCH", HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(changes)))
				.build();
			HttpResponse<String> response = send(request);
			if (response.statusCode() != 200) {
				throw new IllegalStateException(
						"PATCH /config refused: " + response.statusCode() + " " + response.body());
			}
			return JSON.readTree(response.body());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("PATCH " + target + "/config failed", ex);
		}
	}

	/**
	 * Run {@code patronictl} with the configuration of {@code pg0}, such as
	 * {@code patronictl("list")}; commands that ask for confirmation need {@code --force}.
	 * @param arguments its arguments
	 * @return what it printed
	 * @throws IllegalStateException if it fails
	 */
	public String patronictl(String... arguments) {
		List<String> command = new ArrayList<>(List.of(Executables.require("patronictl").toString(), "-c",
				this.nodes.get(0).configFile().toString()));
		command.addAll(List.of(arguments));
		try {
			Executables.Result result = Executables.run(command);
			if (result.exitCode() != 0) {
				throw new IllegalStateException(
						command + " exited with " + result.exitCode() + ":\n" + result.output());
			}
			return result.output();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The log file of a member's Patroni, which its PostgreSQL writes to as well.
	 * @param member the member's name
	 * @return the file
	 */
	public Path log(String member) {
		return node(member).log;
	}

	/**
	 * The end of a member's log, for failure messages.
	 * @param member the member's name
	 * @return its last 60 lines
	 */
	public String logTail(String member) {
		Node node = node(member);
		return (node.patroni != null) ? node.patroni.logTail(60) : "(" + member + " never started)";
	}

	/**
	 * Everything a failure message needs: {@code /cluster} (or why it cannot be read), each
	 * process's state and the end of every log.
	 * @return text for people
	 */
	public String diagnostics() {
		StringBuilder text = new StringBuilder();
		try {
			text.append("/cluster: ").append(clusterJson()).append('\n');
		}
		catch (RuntimeException ex) {
			text.append("/cluster: ").append(ex.getMessage()).append('\n');
		}
		if (this.etcd != null) {
			text.append("== etcd (")
				.append(this.etcd.status())
				.append(")\n")
				.append(this.etcd.logTail(10))
				.append('\n');
		}
		for (Node node : this.nodes) {
			text.append("== ")
				.append(node.name)
				.append(" (patroni ")
				.append((node.patroni != null) ? node.patroni.status() : "not started")
				.append(node.proxy.isPaused() ? ", REST paused" : "")
				.append(", REST ")
				.append(node.restUrl())
				.append(", PostgreSQL port ")
				.append(node.pgPort)
				.append(")\n")
				.append(logTail(node.name))
				.append('\n');
		}
		return text.toString();
	}

	/**
	 * Stop everything: SIGTERM to every Patroni (which stops its PostgreSQL), SIGKILL to any
	 * Patroni or postmaster still running after 30 s, then etcd and the REST proxies.
	 * Deletes the data directories and keeps the logs. Idempotent; runs at the JVM's exit
	 * too.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is exiting: this is the hook.
		}
		for (Node node : this.nodes) {
			if (node.patroni != null && node.patroni.isAlive()) {
				node.patroni.terminate();
			}
		}
		for (Node node : this.nodes) {
			if (node.patroni != null) {
				node.patroni.stop(Duration.ofSeconds(30));
			}
			killPostmaster(node);
		}
		if (this.etcd != null) {
			this.etcd.stop(Duration.ofSeconds(10));
		}
		this.nodes.forEach((node) -> node.proxy.close());
		for (Node node : this.nodes) {
			deleteTree(node.dataDirectory());
		}
		deleteTree(this.workDir.resolve("etcd").resolve("data"));
	}

	private void stopPatroni(Node node) {
		if (node.patroni != null && node.patroni.isAlive()) {
			node.patroni.stop(Duration.ofSeconds(30));
		}
	}

	private boolean killPostmaster(Node node) {
		Optional<ProcessHandle> postmaster = postmaster(node);
		postmaster.ifPresent((process) -> {
			process.destroyForcibly();
			try {
				process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				System.err.println("Postmaster " + process.pid() + " of " + node.name + " did not exit: " + ex);
			}
		});
		return postmaster.isPresent();
	}

	/** The postmaster of {@code postmaster.pid}, if it runs and is this member's. */
	private static Optional<ProcessHandle> postmaster(Node node) {
		Path pidFile = node.dataDirectory().resolve("postmaster.pid");
		try {
			List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
			if (lines.isEmpty() || lines.get(0).isBlank()) {
				return Optional.empty();
			}
			long pid = Long.parseLong(lines.get(0).trim());
			String commandLine = Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline"),
					StandardCharsets.ISO_8859_1);
			if (!commandLine.contains(node.dataDirectory().toString())) {
				return Optional.empty();
			}
			return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private Node node(String member) {
		return this.nodes.stream()
			.filter((node) -> node.name.equals(member))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("No member " + member + " in " + memberNames()));
	}

	private void checkAlive(List<Node> expected) {
		for (Node node : expected) {
			if (node.patroni != null && !node.patroni.isAlive()) {
				throw new IllegalStateException("Patroni of " + node.name + " " + node.patroni.status() + ":\n"
						+ node.patroni.logTail(40));
			}
		}
	}

	private JsonNode clusterJson() {
		List<String> failures = new ArrayList<>();
		List<Node> candidates = new ArrayList<>(this.nodes);
		// Members that should answer first, so that a crashed or paused one costs no timeout.
		candidates.sort(Comparator.comparing((Node node) -> !node.isRunning() || node.proxy.isPaused()));
		for (Node node : candidates) {
			try {
				return get(node.restUrl() + "/cluster", REQUEST_TIMEOUT);
			}
			catch (IOException | IllegalArgumentException ex) {
				failures.add(node.name + ": " + ex);
			}
		}
		throw new IllegalStateException("No member's REST API answers GET /cluster: " + failures);
	}

	private static JsonNode get(String url, Duration timeout) throws IOException {
		HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build());
		if (response.statusCode() != 200) {
			throw new IOException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
		}
		try {
			return JSON.readTree(response.body());
		}
		catch (JacksonException ex) {
			throw new IOException("GET " + url + " answered no JSON: " + response.body(), ex);
		}
	}

	private static HttpResponse<String> post(String url, Object body) {
		try {
			return send(HttpRequest.newBuilder(URI.create(url))
				.timeout(Duration.ofSeconds(60))
				.header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
				.build());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("POST " + url + " failed", ex);
		}
	}

	private static HttpResponse<String> send(HttpRequest request) throws IOException {
		try {
			return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted: " + request.uri(), ex);
		}
	}

	/**
	 * Poll every 100 ms until the condition returns a value other than {@code null}.
	 */
	private <T> T await(String what, Duration timeout, Supplier<T> condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			T value = condition.get();
			if (value != null) {
				return value;
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Timed out after " + timeout + " waiting for " + what + "\n"
						+ diagnostics());
			}
			sleep(Duration.ofMillis(100));
		}
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static void deleteTree(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (Stream<Path> tree = Files.walk(root)) {
			for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException | UncheckedIOException ex) {
			System.err.println("Could not delete " + root + ": " + ex);
		}
	}

	/**
	 * A member as {@code GET /cluster} describes it.
	 * @param name its name, such as {@code pg0}
	 * @param role {@code leader}, {@code replica}, {@code sync_standby} or
	 * {@code standby_leader}
	 * @param state PostgreSQL's state: {@code running} (Patroni 3.0.2 says so of a
	 * streaming replica too), {@code starting}, {@code stopped}, {@code crashed},
	 * {@code creating replica}, ...
	 * @param host the PostgreSQL host it advertises, {@code 127.0.0.1}
	 * @param port the PostgreSQL port it advertises
	 * @param lagBytes how many bytes of WAL a replica's replay lags behind the leader;
	 * {@code null} for the leader and while unknown
	 * @param tags its Patroni tags, such as {@code noloadbalance}; empty if none
	 * @param timeline its PostgreSQL timeline, {@code null} while unknown
	 * @param apiUrl its {@code api_url}, such as {@code http://127.0.0.1:8008/patroni}
	 */
	public record Member(String name, String role, String state, String host, int port, Long lagBytes,
			Map<String, Object> tags, Integer timeline, String apiUrl) {

		/**
		 * Whether it holds the leader lock.
		 * @return whether the role is {@code leader} or {@code standby_leader}
		 */
		public boolean isLeader() {
			return "leader".equals(this.role) || "standby_leader".equals(this.role);
		}

		/**
		 * Whether it follows the leader.
		 * @return whether the role is {@code replica} or {@code sync_standby}
		 */
		public boolean isReplica() {
			return "replica".equals(this.role) || "sync_standby".equals(this.role);
		}

		/**
		 * Whether its PostgreSQL runs.
		 * @return whether the state is {@code running} or {@code streaming} (later Patroni)
		 */
		public boolean isRunning() {
			return "running".equals(this.state) || "streaming".equals(this.state);
		}

		@SuppressWarnings("unchecked")
		static Member of(JsonNode json) {
			JsonNode lag = json.path("lag");
			JsonNode timeline = json.path("timeline");
			Map<String, Object> tags = json.has("tags") ? JSON.convertValue(json.get("tags"), Map.class) : Map.of();
			return new Member(json.path("name").asString(), json.path("role").asString(),
					json.path("state").asString(), json.path("host").asString(), json.path("port").asInt(),
					lag.isIntegralNumber() ? lag.asLong() : null, Map.copyOf(tags),
					timeline.isIntegralNumber() ? timeline.asInt() : null, json.path("api_url").asString());
		}

	}

	/**
	 * What {@link #failover()} did.
	 * @param oldLeader the member that led and was crashed
	 * @param newLeader the member promoted
	 * @param leaderless from the crash to the promoted member's PostgreSQL running as leader
	 */
	public record Failover(String oldLeader, String newLeader, Duration leaderless) {
	}

	/**
	 * One member's files, ports and Patroni process.
	 */
	private static final class Node {

		final String name;

		final Path directory;

		final int pgPort;

		final int restPort;

		final RestProxy proxy;

		final Map<String, Object> tags;

		final Path log;

		volatile ManagedProcess patroni;

		volatile boolean stopped;

		Node(String name, Path directory, int pgPort, int restPort, RestProxy proxy, Map<String, Object> tags) {
			this.name = name;
			this.directory = directory;
			this.pgPort = pgPort;
			this.restPort = restPort;
			this.proxy = proxy;
			this.tags = tags;
			this.log = directory.resolveSibling(name + ".log");
		}

		Path configFile() {
			return this.directory.resolve("patroni.yml");
		}

		Path dataDirectory() {
			return this.directory.resolve("data");
		}

		/** Through the proxy. */
		String restUrl() {
			return "http://127.0.0.1:" + this.proxy.port();
		}

		/** Whether it should be running: started, and neither crashed nor stopped on purpose. */
		boolean isRunning() {
			return this.patroni != null && !this.stopped;
		}

	}

}
