package io.replicarouter.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;
import redis.embedded.RedisServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The production topology on loopback: a PostgreSQL primary and two streaming replicas
 * (replica-router-test), one PgBouncer in transaction pooling mode in front of each, one
 * Redis, two instances of the sample application (separate JVMs, configured by
 * {@code deploy/examples/application-production.yml}) pointed at the PgBouncers, and nginx
 * balancing HTTP over them. {@link #close()} stops everything, as does the JVM's exit.
 */
final class Topology implements AutoCloseable {

	static final String DATABASE = "shop";

	static final String USER = "shop";

	static final String STATS_USER = "pgbouncer_stats";

	private static final ObjectMapper JSON = new ObjectMapper();

	private final Path directory;

	private final String password = "shop-" + UUID.randomUUID();

	private final String statsPassword = "stats-" + UUID.randomUUID();

	private final List<AutoCloseable> started = new ArrayList<>();

	private PostgresReplicationCluster cluster;

	private RedisServer redis;

	private int redisPort;

	private final List<PgBouncer> bouncers = new ArrayList<>();

	private final List<SampleApp> apps = new ArrayList<>();

	private Nginx nginx;

	private Topology(Path directory) {
		this.directory = directory;
	}

	/**
	 * Whether nginx and pgbouncer are installed.
	 * @return what is missing, empty when nothing is
	 */
	static List<String> missingPrograms() {
		return java.util.stream.Stream.of("nginx", "pgbouncer")
			.filter((name) -> Executables.find(name).isEmpty())
			.toList();
	}

	/**
	 * Start everything.
	 * @param examples {@code deploy/examples}
	 * @param sampleJar the sample application's executable jar
	 * @param bouncerOverrides settings of the PgBouncers that differ from the example
	 * @return the running topology
	 */
	static Topology start(Path examples, Path sampleJar, Map<String, String> bouncerOverrides) {
		if (!Files.isRegularFile(sampleJar)) {
			throw new IllegalStateException(sampleJar + " does not exist: build it with ./mvnw -pl sample-app -am package");
		}
		Path directory;
		try {
			directory = Files.createTempDirectory("replica-router-topology-",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		Topology topology = new Topology(directory);
		Runtime.getRuntime().addShutdownHook(new Thread(topology::close, "topology-stop"));
		try {
			topology.startAll(examples, sampleJar, bouncerOverrides);
			return topology;
		}
		catch (RuntimeException | Error ex) {
			topology.close();
			throw ex;
		}
	}

	private void startAll(Path examples, Path sampleJar, Map<String, String> bouncerOverrides) {
		this.cluster = PostgresReplicationCluster.builder()
			.replicas(2)
			.database(DATABASE)
			.username(USER)
			.password(this.password)
			.build()
			.start();
		this.started.add(this.cluster);
		try (var connection = this.cluster.primary().connect(); var statement = connection.createStatement()) {
			statement.execute("create role " + STATS_USER + " login password '" + this.statsPassword + "'");
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException("Could not create the stats user", ex);
		}
		startRedis();
		Map<String, String> users = new LinkedHashMap<>();
		users.put(USER, this.password);
		users.put(STATS_USER, this.statsPassword);
		for (PostgresNode node : this.cluster.nodes()) {
			String name = "pgbouncer-" + node.name();
			PgBouncer bouncer = PgBouncer.start(name, examples.resolve("pgbouncer.ini"), this.directory.resolve(name),
					DATABASE, node.port(), users, bouncerOverrides);
			this.bouncers.add(bouncer);
			this.started.add(bouncer);
		}
		Map<String, String> environment = new LinkedHashMap<>();
		environment.put("PRIMARY_URL", this.bouncers.get(0).jdbcUrl(DATABASE));
		environment.put("REPLICA_1_URL", this.bouncers.get(1).jdbcUrl(DATABASE));
		environment.put("REPLICA_2_URL", this.bouncers.get(2).jdbcUrl(DATABASE));
		environment.put("DB_USER", USER);
		environment.put("DB_PASSWORD", this.password);
		environment.put("PGBOUNCER_STATS_USER", STATS_USER);
		environment.put("PGBOUNCER_STATS_PASSWORD", this.statsPassword);
		environment.put("REDIS_HOST", "127.0.0.1");
		environment.put("REDIS_PORT", String.valueOf(this.redisPort));
		for (int i = 1; i <= 2; i++) {
			SampleApp app = SampleApp.start("app-" + i, sampleJar, examples.resolve("application-production.yml"),
					this.directory, environment);
			this.apps.add(app);
			this.started.add(app);
		}
		for (SampleApp app : this.apps) {
			app.awaitReady(Duration.ofSeconds(120));
		}
		this.nginx = Nginx.start(examples.resolve("nginx.conf"), this.directory.resolve("nginx"),
				this.apps.stream().map(SampleApp::port).toList());
		this.started.add(this.nginx);
	}

	private void startRedis() {
		this.redisPort = Executables.freePort();
		try {
			this.redis = RedisServer.newRedisServer()
				.bind("127.0.0.1")
				.port(this.redisPort)
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
			this.redis.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start Redis", ex);
		}
		this.started.add(() -> {
			if (this.redis.isActive()) {
				this.redis.stop();
			}
		});
	}

	PostgresReplicationCluster cluster() {
		return this.cluster;
	}

	List<PgBouncer> bouncers() {
		return this.bouncers;
	}

	List<SampleApp> apps() {
		return this.apps;
	}

	Nginx nginx() {
		return this.nginx;
	}

	int redisPort() {
		return this.redisPort;
	}

	String password() {
		return this.password;
	}

	String statsPassword() {
		return this.statsPassword;
	}

	Path directory() {
		return this.directory;
	}

	/**
	 * What runs where, for people.
	 * @return lines of text
	 */
	List<String> describe() {
		List<String> lines = new ArrayList<>();
		lines.add(String.format("  %-22s %s", "nginx", this.nginx.url()));
		for (SampleApp app : this.apps) {
			lines.add(String.format("  %-22s http://127.0.0.1:%d (actuator: /actuator/replication)", app.name(),
					app.port()));
		}
		lines.add(String.format("  %-22s redis://127.0.0.1:%d", "redis", this.redisPort));
		for (int i = 0; i < this.bouncers.size(); i++) {
			PgBouncer bouncer = this.bouncers.get(i);
			PostgresNode node = this.cluster.nodes().get(i);
			lines.add(String.format("  %-22s 127.0.0.1:%d -> %s 127.0.0.1:%d", bouncer.name(), bouncer.port(),
					node.name(), node.port()));
		}
		lines.add("  database " + DATABASE + ", user " + USER + " (password in " + this.directory.resolve("pgbouncer-primary/userlist.txt")
				+ "), admin console user " + STATS_USER);
		lines.add("  files and logs: " + this.directory);
		return lines;
	}

	@Override
	public synchronized void close() {
		for (int i = this.started.size() - 1; i >= 0; i--) {
			try {
				this.started.get(i).close();
			}
			catch (Exception ex) {
				System.err.println("Could not stop " + this.started.get(i) + ": " + ex);
			}
		}
		this.started.clear();
		deleteTree(this.directory);
	}

	/**
	 * Copy the logs of nginx, the instances and the PgBouncers somewhere that outlives
	 * {@link #close()}.
	 * @param target a directory
	 */
	void copyLogs(Path target) {
		try (var files = Files.list(this.directory)) {
			Files.createDirectories(target);
			for (Path log : files.filter((file) -> file.toString().endsWith(".log")).toList()) {
				Files.copy(log, target.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
			}
		}
		catch (IOException ex) {
			System.err.println("Could not copy the topology's logs: " + ex);
		}
	}

	private static void deleteTree(Path root) {
		if (!Files.exists(root)) {
			return;
		}
		try (var tree = Files.walk(root)) {
			for (Path path : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			System.err.println("Could not delete " + root + ": " + ex);
		}
	}

	static JsonNode json(String body) {
		return JSON.readTree(body);
	}

	/**
	 * One instance of the sample application, a JVM of its own.
	 */
	static final class SampleApp implements AutoCloseable {

		private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

		private final String name;

		private final int port;

		private final ManagedProcess process;

		private SampleApp(String name, int port, ManagedProcess process) {
			this.name = name;
			this.port = port;
			this.process = process;
		}

		static SampleApp start(String name, Path jar, Path configuration, Path directory,
				Map<String, String> environment) {
			int port = Executables.freePort();
			String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
			List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
					"--spring.config.additional-location=file:" + configuration,
					"--server.port=" + port, "--server.address=127.0.0.1", "--spring.application.name=" + name);
			ManagedProcess process = ManagedProcess.start(name, command, environment, directory.resolve(name + ".log"));
			return new SampleApp(name, port, process);
		}

		/**
		 * Wait until the application answers and its monitor has both replicas in rotation.
		 */
		void awaitReady(Duration timeout) {
			this.process.awaitPort(this.port, timeout);
			long deadline = System.nanoTime() + timeout.toNanos();
			String last = "";
			while (System.nanoTime() < deadline) {
				try {
					HttpResponse<String> response = HTTP.send(
							HttpRequest.newBuilder(URI.create(url() + "/actuator/replication")).build(),
							HttpResponse.BodyHandlers.ofString());
					last = response.body();
					if (response.statusCode() == 200) {
						long eligibleReplicas = 0;
						for (JsonNode node : json(last).get("nodes")) {
							if ("replica".equals(node.path("role").asString()) && node.path("eligible").asBoolean()) {
								eligibleReplicas++;
							}
						}
						if (eligibleReplicas == 2) {
							return;
						}
					}
				}
				catch (IOException ex) {
					last = ex.toString();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
				if (!this.process.isAlive()) {
					break;
				}
				ManagedProcess.sleep(200);
			}
			throw new IllegalStateException(this.name + " is not ready after " + timeout + ": " + last + "\n"
					+ this.process.logTail());
		}

		String name() {
			return this.name;
		}

		int port() {
			return this.port;
		}

		String url() {
			return "http://127.0.0.1:" + this.port;
		}

		Path log() {
			return this.process.log();
		}

		@Override
		public void close() {
			this.process.stop();
		}

	}

}
