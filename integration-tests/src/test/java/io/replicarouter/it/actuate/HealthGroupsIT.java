package io.replicarouter.it.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.it.Server;
import io.replicarouter.routing.ReplicaRoutingDataSource;
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
 * The README's table of liveness, readiness and full health per situation, over HTTP,
 * against a real primary and two replicas whose postmasters are killed ({@code SIGKILL}).
 * Every health setting is Boot's and replica-router's default: the probe groups are on
 * (Boot 4), at {@code /actuator/health/liveness} and {@code /actuator/health/readiness},
 * showing their status only.
 */
class HealthGroupsIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension
		.of(PostgresReplicationCluster.builder().replicas(2));

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	private String base;

	@BeforeAll
	static void createTables() {
		RouterTestApplication.createTables(extension.cluster());
	}

	@BeforeEach
	void start() throws Exception {
		List<String> properties = new ArrayList<>(RouterTestApplication.properties(extension.cluster()));
		// A random port, so that test runs do not collide.
		properties.add("server.port=0");
		this.context = new SpringApplicationBuilder(WebApplication.class).properties(properties.toArray(String[]::new))
			.run();
		this.base = "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port")
				+ "/actuator/health";
		await("", 200, "UP");
	}

	@AfterEach
	void stop() {
		this.context.close();
		extension.cluster().heal();
	}

	@Test
	void allHealthy() throws Exception {
		assertRow(200, "UP", 200, "UP", 200, "UP");
	}

	@Test
	void oneReplicaDown() throws Exception {
		extension.cluster().replica(1).kill();
		await("", 200, "DEGRADED");
		assertRow(200, "UP", 200, "UP", 200, "DEGRADED");
		assertThat(queries().readOnly().inRecovery()).as("reads go to the other replica").isTrue();
	}

	@Test
	void allReplicasDown() throws Exception {
		extension.cluster().replica(0).kill();
		extension.cluster().replica(1).kill();
		await("/readiness", 200, "DEGRADED");
		assertRow(200, "UP", 200, "DEGRADED", 200, "DEGRADED");
		assertThat(queries().readOnly().inRecovery()).as("reads fall back to the primary").isFalse();
	}

	@Test
	void replicaLagging() throws Exception {
		extension.cluster().replica(0).setReplayDelay(Duration.ofSeconds(30));
		Queries queries = queries();
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		// Lag grows with writes the replica has not replayed: past max-lag (5 s) it leaves rotation.
		while (!"DEGRADED".equals(get("").status()) && System.nanoTime() < deadline) {
			queries.write();
			Thread.sleep(100);
		}
		assertRow(200, "UP", 200, "UP", 200, "DEGRADED");
	}

	@Test
	void primaryDownWithReplicasUp() throws Exception {
		extension.cluster().primary().kill();
		await("/readiness", 200, "READ_ONLY");
		assertRow(200, "UP", 200, "READ_ONLY", 503, "DOWN");
		Server server = queries().readOnly();
		assertThat(server.inRecovery()).as("reads still served, by a replica").isTrue();
	}

	@Test
	void primaryDownAndAllReplicasDown() throws Exception {
		extension.cluster().primary().kill();
		extension.cluster().replica(0).kill();
		extension.cluster().replica(1).kill();
		await("/readiness", 503, "DOWN");
		assertRow(200, "UP", 503, "DOWN", 503, "DOWN");
	}

	@Test
	void poolSaturated() throws Exception {
		ReplicaRoutingDataSource router = this.context.getBean(ReplicaRoutingDataSource.class);
		// Hikari's default maximum-pool-size (10), and one more thread that has to wait.
		int threads = 11;
		CountDownLatch release = new CountDownLatch(1);
		ExecutorService holders = Executors.newFixedThreadPool(threads);
		try {
			for (int i = 0; i < threads; i++) {
				holders.submit(() -> {
					try (Connection connection = router.getPrimary().dataSource().getConnection()) {
						release.await();
					}
					return null;
				});
			}
			await("", 200, "DEGRADED");
			assertRow(200, "UP", 200, "UP", 200, "DEGRADED");
		}
		finally {
			release.countDown();
			holders.shutdown();
			holders.awaitTermination(40, TimeUnit.SECONDS);
		}
	}

	private Queries queries() {
		return this.context.getBean(Queries.class);
	}

	private void assertRow(int livenessCode, String liveness, int readinessCode, String readiness, int healthCode,
			String health) throws Exception {
		assertThat(get("/liveness")).as("liveness").isEqualTo(new Answer(livenessCode, liveness));
		assertThat(get("/readiness")).as("readiness").isEqualTo(new Answer(readinessCode, readiness));
		assertThat(get("")).as("full health").isEqualTo(new Answer(healthCode, health));
	}

	private void await(String path, int code, String status) throws Exception {
		Answer expected = new Answer(code, status);
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		Answer actual = get(path);
		while (!expected.equals(actual) && System.nanoTime() < deadline) {
			Thread.sleep(100);
			actual = get(path);
		}
		assertThat(actual).as("/actuator/health" + path + " after " + TIMEOUT).isEqualTo(expected);
	}

	private Answer get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(this.base + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		return new Answer(response.statusCode(), JsonPath.parse(response.body()).read("$.status", String.class));
	}

	record Answer(int code, String status) {
	}

	// The test module has Redis on its class path for other tests; this application uses no
	// Redis, so, like any application without Redis, it has no Redis connection (nor health).
	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
			"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration" })
	@Import(Queries.class)
	static class WebApplication {

	}

}
