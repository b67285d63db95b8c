package io.replicarouter.it.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.test.PostgresReplicationCluster;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /actuator/health}, {@code /actuator/replication} and the metrics over HTTP, against
 * a real primary and two replicas with real faults.
 */
class ObservabilityIT {

	static final String PASSWORD = "obs-Secret-7f2a";

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension
		.of(PostgresReplicationCluster.builder().replicas(2).password(PASSWORD));

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	private String base;

	@BeforeAll
	static void createTables() {
		RouterTestApplication.createTables(extension.cluster());
	}

	@BeforeEach
	void start() {
		PostgresReplicationCluster cluster = extension.cluster();
		List<String> properties = new ArrayList<>(List.of(
				"spring.datasource.url=" + cluster.primary().jdbcUrl(), "spring.datasource.username=" + cluster.username(),
				"spring.datasource.password=" + PASSWORD, "spring.datasource.hikari.maximum-pool-size=4",
				"spring.datasource.hikari.connection-timeout=10000",
				"replica-router.replicas[0].url=" + cluster.replica(0).jdbcUrl(),
				"replica-router.replicas[0].password=" + PASSWORD,
				"replica-router.replicas[1].url=" + cluster.replica(1).jdbcUrl() + "?password=" + PASSWORD,
				"spring.data.redis.password=" + PASSWORD, "spring.flyway.enabled=false", "server.port=0",
				"replica-router.max-lag=1s", "replica-router.health.probe-interval=200ms",
				"replica-router.health.max-backoff=1s", "replica-router.health.pool-saturation-period=1s",
				"management.endpoints.web.exposure.include=health,replication,metrics,env,configprops",
				"management.endpoint.health.show-details=always", "management.endpoint.replication.access=unrestricted",
				"management.health.redis.enabled=false"));
		this.context = new SpringApplicationBuilder(WebApplication.class).properties(properties.toArray(String[]::new))
			.run();
		this.base = "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port") + "/actuator";
	}

	@AfterEach
	void stop() {
		this.context.close();
		extension.cluster().heal();
	}

	@Test
	void laggingReplicaMakesReplicationDegradedWithItsDetailsAndItRecovers() throws Exception {
		assertThat(status("$.components.replication.status")).isEqualTo("UP");
		Queries queries = this.context.getBean(Queries.class);
		extension.cluster().replica(0).setReplayDelay(Duration.ofSeconds(5));
		awaitHealth(Duration.ofSeconds(10), queries, "$.components.replication.status", "DEGRADED");
		DocumentContext health = health(200);
		assertThat(health.read("$.status", String.class)).isEqualTo("DEGRADED");
		assertThat(health.read("$.components.replication.details.replicas.replica-1.state", String.class))
			.isEqualTo("lagging");
		// lagging means more than max-lag (1 s), which can round down to 1000 ms
		assertThat(health.read("$.components.replication.details.replicas.replica-1.lagMs", Long.class))
			.isGreaterThanOrEqualTo(1000);
		assertThat(health.read("$.components.replication.details.replicas.replica-2.state", String.class))
			.isEqualTo("up");
		extension.cluster().replica(0).clearReplayDelay();
		awaitHealth(Duration.ofSeconds(10), queries, "$.components.replication.status", "UP");
	}

	@Test
	void killedReplicaIsDownAndAStoppedPrimaryIsDown() throws Exception {
		extension.cluster().replica(1).kill();
		awaitHealth(Duration.ofSeconds(5), null, "$.components.replication.details.replicas.replica-2.state", "down");
		assertThat(status("$.components.replication.status")).isEqualTo("DEGRADED");
		extension.cluster().primary().stop();
		awaitHealth(Duration.ofSeconds(5), null, "$.components.replication.status", "DOWN");
		DocumentContext health = health(503);
		assertThat(health.read("$.components.replication.details.primary.state", String.class)).isEqualTo("down");
	}

	@Test
	void exhaustedPoolIsReportedSaturatedQuicklyAndRecovers() throws Exception {
		ReplicaRoutingDataSource router = this.context.getBean(ReplicaRoutingDataSource.class);
		int size = 4;
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService holders = Executors.newFixedThreadPool(size * 2);
		try {
			for (int i = 0; i < size * 2; i++) {
				holders.submit(() -> {
					try (Connection connection = router.getPrimary().dataSource().getConnection()) {
						release.await();
					}
					return null;
				});
			}
			awaitHealth(Duration.ofSeconds(5), null, "$.components.connectionPools.details.primary.waiting", "4");
			assertThat(health(200).read("$.components.db.status", String.class)).as("db reports without a pooled connection")
				.isEqualTo("UP");
			health(200);
			long started = System.nanoTime();
			DocumentContext health = health(200);
			Duration took = Duration.ofNanos(System.nanoTime() - started);
			assertThat(took).as("health answered while every connection is taken").isLessThan(Duration.ofMillis(50));
			assertThat(health.read("$.components.connectionPools.status", String.class)).isEqualTo("DEGRADED");
			assertThat(health.read("$.components.connectionPools.details.primary.saturated", Boolean.class)).isTrue();
			assertThat(health.read("$.components.connectionPools.details.primary.active", Integer.class)).isEqualTo(4);
			assertThat(health.read("$.components.replication.status", String.class)).as("the database is healthy")
				.isEqualTo("UP");
		}
		finally {
			release.countDown();
			holders.shutdown();
			holders.awaitTermination(15, TimeUnit.SECONDS);
		}
		awaitHealth(Duration.ofSeconds(5), null, "$.components.connectionPools.status", "UP");
	}

	@Test
	void replicationEndpointShowsTheTopologyAndDrainsAReplica() throws Exception {
		Queries queries = this.context.getBean(Queries.class);
		for (int i = 0; i < 10; i++) {
			queries.readOnly();
		}
		for (int i = 0; i < 10; i++) {
			queries.write();
		}
		DocumentContext topology = JsonPath.parse(get("/replication", 200));
		assertThat(topology.read("$.nodes[*].name", List.class)).containsExactly("primary", "replica-1", "replica-2");
		assertThat(topology.read("$.nodes[1].state", String.class)).isEqualTo("up");
		assertThat(topology.read("$.nodes[1].url", String.class)).startsWith("jdbc:postgresql://127.0.0.1:");
		assertThat(topology.read("$.routing.primary.read-write", Integer.class)).isGreaterThanOrEqualTo(10);
		assertThat(topology.read("$.routing.replica-1.read-only", Integer.class)
				+ topology.read("$.routing.replica-2.read-only", Integer.class)).isGreaterThanOrEqualTo(10);
		assertThat(topology.read("$.settings.consistencyMode", String.class)).isEqualTo("lsn");

		DocumentContext drained = JsonPath.parse(post("/replication/replica-1", "{\"drained\":true}", 200));
		assertThat(drained.read("$.state", String.class)).isEqualTo("drained");
		Map<String, Integer> served = new TreeMap<>();
		for (int i = 0; i < 100; i++) {
			served.merge(queries.readOnly().nodeName(extension.cluster()), 1, Integer::sum);
		}
		assertThat(served).containsOnlyKeys("replica-2");
		assertThat(status("$.components.replication.status")).as("draining is not a fault").isEqualTo("UP");
		post("/replication/replica-1", "{\"drained\":false}", 200);
		served.clear();
		for (int i = 0; i < 100; i++) {
			served.merge(queries.readOnly().nodeName(extension.cluster()), 1, Integer::sum);
		}
		assertThat(served).containsKey("replica-1");
		post("/replication/primary", "{\"drained\":true}", 400);
	}

	@Test
	void metricsAppearWithTheDocumentedNames() throws Exception {
		Queries queries = this.context.getBean(Queries.class);
		for (int i = 0; i < 4; i++) {
			// Hikari registers a pool's meters when the pool starts, at its first use.
			queries.readOnly();
		}
		queries.write();
		DocumentContext routing = JsonPath.parse(get("/metrics/replica.router.routing?tag=target:primary&tag=reason:read_write", 200));
		assertThat(routing.read("$.measurements[0].value", Double.class)).isGreaterThanOrEqualTo(1);
		for (String name : List.of("replica.router.fallbacks", "replica.router.retries", "replica.router.replica.lag",
				"replica.router.replica.lag.bytes", "replica.router.replica.eligible", "replica.router.primary.available",
				"replica.router.pool.saturated")) {
			get("/metrics/" + name, 200);
		}
		DocumentContext eligible = JsonPath.parse(get("/metrics/replica.router.replica.eligible?tag=replica:replica-1", 200));
		assertThat(eligible.read("$.measurements[0].value", Double.class)).isEqualTo(1.0);
		for (String pool : List.of("primary", "replica-1", "replica-2")) {
			get("/metrics/hikaricp.connections?tag=pool:" + pool, 200);
		}
	}

	@Test
	void noActuatorResponseShowsAPassword() throws Exception {
		this.context.getBean(Queries.class).readOnly();
		List<String> bodies = new ArrayList<>();
		for (String path : List.of("/health", "/replication", "/replication/replica-2", "/env", "/configprops",
				"/metrics", "/env/spring.datasource.password", "/env/replica-router.replicas%5B1%5D.url")) {
			HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.base + path)).build(),
					HttpResponse.BodyHandlers.ofString());
			bodies.add(path + " " + response.statusCode() + " " + response.body());
		}
		assertThat(bodies).allSatisfy((body) -> assertThat(body).doesNotContain(PASSWORD));
		assertThat(String.join("\n", bodies)).contains("replica-router").contains("password=******");
	}

	private void awaitHealth(Duration timeout, Queries traffic, String path, String expected) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		String actual = null;
		while (System.nanoTime() < deadline) {
			if (traffic != null) {
				traffic.write();
			}
			HttpResponse<String> response = this.http.send(
					HttpRequest.newBuilder(URI.create(this.base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
			actual = String.valueOf((Object) JsonPath.parse(response.body()).read(path));
			if (expected.equals(actual)) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError(path + " was " + actual + ", not " + expected + ", after " + timeout);
	}

	private String status(String path) throws Exception {
		return String.valueOf((Object) health(-1).read(path));
	}

	private DocumentContext health(int expectedStatus) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.base + "/health")).build(),
				HttpResponse.BodyHandlers.ofString());
		if (expectedStatus > 0) {
			assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
		}
		return JsonPath.parse(response.body());
	}

	private String get(String path, int expectedStatus) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.base + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body() + " " + (response.statusCode() == 404
				? this.http.send(HttpRequest.newBuilder(URI.create(this.base + "/metrics")).build(),
						HttpResponse.BodyHandlers.ofString()).body() : "")).isEqualTo(expectedStatus);
		return response.body();
	}

	private String post(String path, String json, int expectedStatus) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.base + path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(expectedStatus);
		return response.body();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
			"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
	@Import(Queries.class)
	static class WebApplication {

	}


}
