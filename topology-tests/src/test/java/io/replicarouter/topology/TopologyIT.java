package io.replicarouter.topology;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.replicarouter.test.PostgresNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The production topology of the seed articles, with real components on loopback: nginx
 * round robin over two sample-app JVMs, one Redis, one PgBouncer in transaction pooling
 * mode in front of each of a primary and two streaming replicas. Everything the test
 * claims it proves server-side: ports from {@code inet_server_port()} evaluated by the
 * server that ran the statement, Redis keys read from Redis, instances named by nginx's
 * {@code X-Upstream} header, counters from each instance's own actuator.
 * <p>
 * Skipped, saying so, where nginx or pgbouncer is not installed ({@code .ci/run} installs
 * them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TopologyIT {

	/**
	 * Fewer server connections per PgBouncer than client connections (two instances with
	 * Hikari pools of 10 plus their monitors), so that transactions of one client connection
	 * really run on different server connections.
	 */
	private static final int BOUNCER_POOL_SIZE = 4;

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private Topology topology;

	private Set<String> instances;

	private int primaryPort;

	private Set<Integer> replicaPorts;

	private List<String> missing;

	@BeforeAll
	void start() {
		this.missing = Topology.missingPrograms();
		if (!this.missing.isEmpty()) {
			System.out.println(skipReason());
			return;
		}
		this.topology = Topology.start(Path.of(System.getProperty("topology.examples")).toAbsolutePath().normalize(),
				Path.of(System.getProperty("sample-app.jar")).toAbsolutePath().normalize(),
				Map.of("default_pool_size", String.valueOf(BOUNCER_POOL_SIZE)));
		this.instances = new HashSet<>();
		this.topology.apps().forEach((app) -> this.instances.add("127.0.0.1:" + app.port()));
		this.primaryPort = this.topology.cluster().primary().port();
		this.replicaPorts = new HashSet<>();
		this.topology.cluster().replicas().forEach((replica) -> this.replicaPorts.add(replica.port()));
	}

	@BeforeEach
	void requirePrograms() {
		// Here rather than in @BeforeAll, so that every test is reported skipped, with the reason.
		assumeTrue(this.missing.isEmpty(), this::skipReason);
	}

	private String skipReason() {
		return "Topology test skipped: " + this.missing
				+ " not installed (Debian: apt-get install nginx pgbouncer; .ci/run does it when root)";
	}

	@AfterAll
	void stop() {
		if (this.topology != null) {
			this.topology.copyLogs(Path.of("target", "topology-logs"));
			this.topology.close();
		}
	}

	@Test
	@Order(1)
	void throughNginxWritesReachThePrimaryAndReadsTheReplicasOnBothInstances() throws Exception {
		Set<String> readInstances = new HashSet<>();
		Set<Integer> readPorts = new HashSet<>();
		for (int i = 0; i < 20; i++) {
			Response response = send(get(nginx("/products?limit=3")));
			assertThat(response.status()).isEqualTo(200);
			readInstances.add(response.upstream());
			for (JsonNode product : response.json()) {
				assertThat(product.at("/servedBy/replica").asBoolean()).as("read served by a server in recovery")
					.isTrue();
				readPorts.add(product.at("/servedBy/port").asInt());
			}
		}
		assertThat(readInstances).isEqualTo(this.instances);
		assertThat(readPorts).isEqualTo(this.replicaPorts);

		Set<String> writeInstances = new HashSet<>();
		for (int i = 0; i < 10; i++) {
			Response response = send(post(nginx("/orders"), "{\"customerId\":5,\"productId\":7,\"quantity\":1}"));
			assertThat(response.status()).isEqualTo(201);
			writeInstances.add(response.upstream());
			String location = response.header("Location");
			long id = Long.parseLong(location.replaceAll("^.*/orders/(\\d+)/payment$", "$1"));
			// Asked of the primary itself: which server ran the INSERT.
			assertThat(queryPrimary("select written_on from purchase_order where id = " + id))
				.isEqualTo(this.primaryPort);
		}
		assertThat(writeInstances).isEqualTo(this.instances);
	}

	@Test
	@Order(2)
	void theCacheIsSharedAndAnUpdateThroughOneInstanceEvictsForBoth() throws Exception {
		Topology.SampleApp first = this.topology.apps().get(0);
		Topology.SampleApp second = this.topology.apps().get(1);
		RedisCommands redis = new RedisCommands(this.topology.redisPort());
		String key = "products::42";
		assertThat(redis.exists(key)).isFalse();

		double secondHits = cacheGets(second, "hit");
		double secondMisses = cacheGets(second, "miss");
		Response cached = send(get(first.url() + "/products/42"));
		assertThat(cached.status()).isEqualTo(200);
		assertThat(redis.exists(key)).as("cached by the first instance, in the shared Redis").isTrue();

		Response hit = send(get(second.url() + "/products/42"));
		assertThat(hit.body()).isEqualTo(cached.body());
		assertThat(cacheGets(second, "hit")).as("hits of the second instance").isEqualTo(secondHits + 1);
		assertThat(cacheGets(second, "miss")).as("misses of the second instance").isEqualTo(secondMisses);

		long oldPrice = cached.json().get("priceCents").asLong();
		long newPrice = oldPrice + 1000;
		Response update = send(put(second.url() + "/products/42/price", "{\"priceCents\":" + newPrice + "}"));
		assertThat(update.status()).isEqualTo(200);
		assertThat(redis.exists(key)).as("evicted after the update's commit").isFalse();
		for (Topology.SampleApp app : this.topology.apps()) {
			// With the replicas' replay position unknown to this plain client, the refill may come
			// from a replica: wait for it to have replayed the update, then read through each instance.
			this.topology.cluster().awaitReplication();
			Response after = send(get(app.url() + "/products/42"));
			assertThat(after.json().get("priceCents").asLong()).as(app.name()).isEqualTo(newPrice);
		}
		// A refill is cached only once the replica it was read from is known (from the router's
		// probes, at most a probe interval behind) to have replayed the update: read until then.
		long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
		while (redis.get(key) == null && System.nanoTime() - deadline < 0) {
			assertThat(send(get(nginx("/products/42"))).json().get("priceCents").asLong()).isEqualTo(newPrice);
			Thread.sleep(50);
		}
		assertThat(redis.get(key)).as("refilled with the new price").contains("\"priceCents\":" + newPrice);
	}

	@Test
	@Order(3)
	void readYourWritesAcrossInstancesWithTheReplicasOneSecondBehind() throws Exception {
		List<PostgresNode> replicas = this.topology.cluster().replicas();
		replicas.forEach((replica) -> replica.setReplayDelay(Duration.ofSeconds(1)));
		try {
			// Control: without the token a read right after a write is stale, so the delay is real.
			int staleWithoutToken = 0;
			for (int i = 0; i < 5; i++) {
				assertThat(send(put(nginx("/profiles/2"), "{\"displayName\":\"control-" + i + "\"}")).status())
					.isEqualTo(200);
				Response read = send(get(nginx("/products?limit=1")));
				assertThat(read.status()).isEqualTo(200);
				Response profile = send(get(nginx("/profiles/2")));
				if (!profile.json().get("displayName").asString().equals("control-" + i)) {
					staleWithoutToken++;
				}
			}
			assertThat(staleWithoutToken).as("stale reads without the consistency cookie").isPositive();

			String cookie = null;
			int crossed = 0;
			Set<String> directions = new HashSet<>();
			for (int i = 0; i < 20; i++) {
				if (i % 2 == 1) {
					// Shift nginx's round robin, so that writes go through each instance in turn.
					send(get(nginx("/products?limit=1")));
				}
				String name = "ryw-" + i;
				Response write = send(withCookie(put(nginx("/profiles/3"), "{\"displayName\":\"" + name + "\"}"), cookie));
				assertThat(write.status()).isEqualTo(200);
				cookie = write.cookie("rr-consistency");
				assertThat(cookie).as("consistency cookie after a write").isNotNull();
				// The token carries the primary's WAL position, read through PgBouncer after the commit.
				assertThat(Long.parseLong(cookie.split("\\.")[1], 16)).isPositive();
				Response read = send(withCookie(get(nginx("/profiles/3")), cookie));
				assertThat(read.status()).isEqualTo(200);
				assertThat(read.json().get("displayName").asString()).as("read after write %d", i).isEqualTo(name);
				if (!read.upstream().equals(write.upstream())) {
					crossed++;
					directions.add(write.upstream() + "->" + read.upstream());
				}
			}
			assertThat(crossed).as("reads served by the other instance than the write").isGreaterThanOrEqualTo(15);
			assertThat(directions).as("both directions").hasSize(2);

			// Once the replicas have replayed the write, the same client reads from a replica again.
			Thread.sleep(1500);
			Response later = send(withCookie(get(nginx("/profiles/3")), cookie));
			assertThat(later.json().get("displayName").asString()).isEqualTo("ryw-19");
			assertThat(later.json().at("/servedBy/replica").asBoolean()).isTrue();
		}
		finally {
			replicas.forEach(PostgresNode::clearReplayDelay);
			this.topology.cluster().awaitReplication();
		}
	}

	@Test
	@Order(4)
	void connectionPoolsHealthShowsEachPgBouncersPoolsFromItsAdminConsole() throws Exception {
		for (Topology.SampleApp app : this.topology.apps()) {
			long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
			JsonNode details;
			String body;
			while (true) {
				Response health = send(get(app.url() + "/actuator/health/connectionPools"));
				body = health.body();
				details = health.json().get("details");
				boolean polled = true;
				for (String pool : List.of("primary", "replica-1", "replica-2")) {
					polled &= details.at("/" + pool + "/pgbouncer/pool_mode").isString();
				}
				if (polled || System.nanoTime() > deadline) {
					break;
				}
				pause(250);
			}
			for (String pool : List.of("primary", "replica-1", "replica-2")) {
				JsonNode bouncer = details.at("/" + pool + "/pgbouncer");
				assertThat(bouncer.path("pool_mode").asString()).as("%s %s: %s", app.name(), pool, body)
					.isEqualTo("transaction");
				for (String key : List.of("cl_active", "cl_waiting", "sv_active", "sv_idle", "maxwait")) {
					assertThat(bouncer.path(key).isNumber()).as("%s %s %s: %s", app.name(), pool, key, body).isTrue();
				}
				assertThat(bouncer.has("error")).isFalse();
			}
			assertThat(body).doesNotContain(this.topology.statsPassword()).doesNotContain(this.topology.password());
		}
	}

	@Test
	@Order(5)
	void serverSidePreparedStatementsBreakTransactionPoolingAndThePgBouncerSwitchAvoidsThem() throws Exception {
		PgBouncer bouncer = this.topology.bouncers().get(1);
		// Control, the driver's default (server-side statements after 5 executions): errors.
		int withDefault = preparedStatementErrors(bouncer, null);
		// What replica-router.pgbouncer.enabled sets: none.
		int withSwitch = preparedStatementErrors(bouncer, "0");
		System.out.println("Prepared-statement errors through PgBouncer: " + withDefault + " with the driver's default, "
				+ withSwitch + " with prepareThreshold=0");
		assertThat(withDefault).as("errors with the driver's default").isPositive();
		assertThat(withSwitch).as("errors with prepareThreshold=0").isZero();

		// The instances (with the switch, from the example configuration) under concurrent load.
		LoadResult load = load(Duration.ofSeconds(5), () -> { });
		assertThat(load.failures()).as("failed requests").isEmpty();
		assertThat(load.reads()).isGreaterThan(50);
		for (Topology.SampleApp app : this.topology.apps()) {
			assertThat(Files.readString(app.log(), StandardCharsets.UTF_8)).as(app.name() + "'s log")
				.doesNotContainIgnoringCase("prepared statement")
				.doesNotContain("Could not read the primary's WAL position");
		}
	}

	@Test
	@Order(6)
	void pgBouncerRestartsAndAReplicaKillDuringLoadFailNoReadThroughNginx() throws Exception {
		List<String> events = new CopyOnWriteArrayList<>();
		LoadResult load = load(Duration.ofSeconds(14), () -> {
			pause(2000);
			events.add("restart " + this.topology.bouncers().get(1).name());
			this.topology.bouncers().get(1).restart(Duration.ofSeconds(1));
			pause(3000);
			events.add("restart " + this.topology.bouncers().get(0).name());
			this.topology.bouncers().get(0).restart(Duration.ofSeconds(1));
			pause(3000);
			events.add("kill " + this.topology.cluster().replica(1).name());
			this.topology.cluster().replica(1).kill();
		});
		assertThat(events).hasSize(3);
		assertThat(load.failures()).as("failed reads through nginx").isEmpty();
		assertThat(load.reads()).isGreaterThan(200);
		assertThat(load.lastSecondReplicaPorts()).as("servers of the reads in the last second; routing: %s", routing())
			.containsExactly(this.topology.cluster().replica(0).port());
	}

	/**
	 * Run {@code threads} readers through nginx ({@code /products?limit=5}, uncached, and
	 * {@code /profiles/{id}}), and the faults alongside.
	 */
	private LoadResult load(Duration duration, Runnable faults) throws Exception {
		int threads = 6;
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger reads = new AtomicInteger();
		ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
		Set<Integer> lastPorts = ConcurrentHashMap.newKeySet();
		java.util.concurrent.atomic.AtomicLong slowest = new java.util.concurrent.atomic.AtomicLong();
		long end = System.nanoTime() + duration.toNanos();
		ExecutorService executor = Executors.newFixedThreadPool(threads + 1);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				futures.add(executor.submit(() -> {
					int i = 0;
					while (running.get()) {
						String path = (i++ % 2 == 0) ? "/products?limit=5" : "/profiles/" + (1 + (thread + i) % 20);
						long started = System.nanoTime();
						try {
							Response response = send(get(nginx(path)));
							long millis = (System.nanoTime() - started) / 1_000_000;
							slowest.accumulateAndGet(millis, Math::max);
							if (response.status() != 200) {
								failures.add(path + " -> " + response.status() + " " + response.body());
								continue;
							}
							reads.incrementAndGet();
							JsonNode body = response.json();
							JsonNode first = body.isArray() ? body.get(0) : body;
							// Requests sent in the last second: a request sent earlier may have read
							// from a replica that died while the request waited for its commit.
							if (end - started < 1_000_000_000L) {
								lastPorts.add(first.at("/servedBy/port").asInt());
							}
						}
						catch (IOException ex) {
							failures.add(path + " -> " + ex);
						}
						catch (InterruptedException ex) {
							return;
						}
					}
				}));
			}
			Future<?> faultRun = executor.submit(faults);
			long remaining = end - System.nanoTime();
			TimeUnit.NANOSECONDS.sleep(Math.max(0, remaining));
			faultRun.get(30, TimeUnit.SECONDS);
			running.set(false);
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			running.set(false);
			executor.shutdownNow();
		}
		LoadResult result = new LoadResult(reads.get(), List.copyOf(failures), Set.copyOf(lastPorts), slowest.get());
		System.out.println("Load through nginx: " + result);
		return result;
	}

	private record LoadResult(int reads, List<String> failures, Set<Integer> lastSecondReplicaPorts,
			long slowestMillis) {
	}

	/**
	 * Run the same prepared statement many times on several connections through one
	 * PgBouncer at once, more client connections than it has server connections.
	 * @param prepareThreshold the driver setting, {@code null} for its default
	 * @return how many executions failed because of prepared statements
	 */
	private int preparedStatementErrors(PgBouncer bouncer, String prepareThreshold) throws Exception {
		int clients = BOUNCER_POOL_SIZE * 3;
		AtomicInteger errors = new AtomicInteger();
		ExecutorService executor = Executors.newFixedThreadPool(clients);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int c = 0; c < clients; c++) {
				futures.add(executor.submit(() -> {
					Properties properties = new Properties();
					properties.setProperty("user", Topology.USER);
					properties.setProperty("password", this.topology.password());
					if (prepareThreshold != null) {
						properties.setProperty("prepareThreshold", prepareThreshold);
					}
					try (Connection connection = DriverManager.getConnection(bouncer.jdbcUrl(Topology.DATABASE),
							properties)) {
						for (int i = 0; i < 40; i++) {
							try (PreparedStatement statement = connection
								.prepareStatement("select price_cents from product where id = ?")) {
								statement.setLong(1, 1 + i % 100);
								try (ResultSet result = statement.executeQuery()) {
									result.next();
								}
							}
							catch (SQLException ex) {
								if (String.valueOf(ex.getMessage()).contains("prepared statement")) {
									errors.incrementAndGet();
								}
								else {
									throw ex;
								}
							}
						}
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
		return errors.get();
	}

	private List<String> routing() throws Exception {
		List<String> routing = new ArrayList<>();
		for (Topology.SampleApp app : this.topology.apps()) {
			JsonNode body = send(get(app.url() + "/actuator/replication")).json();
			routing.add(app.name() + ": " + body.get("routing") + " nodes " + body.get("nodes"));
		}
		return routing;
	}

	private int queryPrimary(String sql) throws SQLException {
		try (Connection connection = this.topology.cluster().primary().connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			assertThat(result.next()).isTrue();
			return result.getInt(1);
		}
	}

	private double cacheGets(Topology.SampleApp app, String result) throws Exception {
		Response response = send(get(app.url() + "/actuator/metrics/replica.router.cache.gets?tag=cache:products&tag=result:"
				+ result));
		if (response.status() == 404) {
			return 0;
		}
		return response.json().at("/measurements/0/value").asDouble();
	}

	private String nginx(String path) {
		return this.topology.nginx().url() + path;
	}

	private static HttpRequest.Builder get(String url) {
		return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
	}

	private static HttpRequest.Builder post(String url, String json) {
		return HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
	}

	private static HttpRequest.Builder put(String url, String json) {
		return HttpRequest.newBuilder(URI.create(url))
			.timeout(Duration.ofSeconds(20))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(json));
	}

	private static HttpRequest.Builder withCookie(HttpRequest.Builder request, String cookie) {
		return (cookie != null) ? request.header("Cookie", "rr-consistency=" + cookie) : request;
	}

	private static Response send(HttpRequest.Builder request) throws IOException, InterruptedException {
		return new Response(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
	}

	private static void pause(long millis) {
		ManagedProcess.sleep(millis);
	}

	private record Response(HttpResponse<String> response) {

		int status() {
			return this.response.statusCode();
		}

		String body() {
			return this.response.body();
		}

		JsonNode json() {
			return Topology.json(body());
		}

		String header(String name) {
			return this.response.headers().firstValue(name).orElse(null);
		}

		/** The instance nginx passed the request to. */
		String upstream() {
			return header("X-Upstream");
		}

		String cookie(String name) {
			for (String setCookie : this.response.headers().allValues("Set-Cookie")) {
				if (setCookie.startsWith(name + "=")) {
					return setCookie.substring(name.length() + 1).split(";", 2)[0];
				}
			}
			return null;
		}

	}

}
