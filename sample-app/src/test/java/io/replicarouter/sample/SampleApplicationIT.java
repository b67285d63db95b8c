package io.replicarouter.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.replicarouter.test.PostgresNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample on its embedded default (primary, two replicas, Redis), exercised over HTTP
 * the way the README tells a newcomer to. Where each statement ran is what the servers
 * said.
 */
class SampleApplicationIT {

	private static DevServices services;

	private static ConfigurableApplicationContext context;

	private static String base;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void start() {
		services = DevServices.start();
		java.util.List<String> arguments = new java.util.ArrayList<>();
		services.properties().forEach((property) -> arguments.add("--" + property));
		arguments.add("--server.port=0");
		context = new SpringApplicationBuilder(SampleApplication.class).run(arguments.toArray(String[]::new));
		base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		if (services != null) {
			services.close();
		}
	}

	@Test
	void writesLandOnThePrimaryAndReadsOnReplicas() throws Exception {
		HttpResponse<String> placed = send(HttpRequest.newBuilder(uri("/orders"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"customerId\":3,\"productId\":4,\"quantity\":2}")));
		assertThat(placed.statusCode()).isEqualTo(201);
		String location = placed.headers().firstValue("Location").orElseThrow();
		DocumentContext forPayment = json(get(location));
		assertThat(forPayment.read("$.writtenOn", Integer.class)).isEqualTo(primary().port());
		assertThat(forPayment.read("$.servedBy.replica", Boolean.class)).as("@PrimaryRead").isFalse();
		services.cluster().awaitReplication();
		DocumentContext recent = json(get("/orders?customerId=3"));
		assertThat(recent.read("$[0].servedBy.replica", Boolean.class)).isTrue();
		assertThat(recent.read("$[0].writtenOn", Integer.class)).isEqualTo(primary().port());
		DocumentContext products = json(get("/products?limit=3"));
		assertThat(products.read("$[0].servedBy.replica", Boolean.class)).isTrue();
	}

	@Test
	void aWriteFollowedByAReadNeverReturnsStaleDataEvenWithReplicasBehind() throws Exception {
		for (PostgresNode replica : services.cluster().replicas()) {
			replica.setReplayDelay(Duration.ofSeconds(1));
		}
		try {
			for (int i = 0; i < 20; i++) {
				String name = "Ada " + i;
				HttpResponse<String> renamed = send(HttpRequest.newBuilder(uri("/profiles/5"))
					.header("Content-Type", "application/json")
					.PUT(HttpRequest.BodyPublishers.ofString("{\"displayName\":\"" + name + "\"}")));
				assertThat(json(renamed.body()).read("$.displayName", String.class)).isEqualTo(name);
				String cookie = renamed.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
				HttpResponse<String> read = send(HttpRequest.newBuilder(uri("/profiles/5")).header("Cookie", cookie).GET());
				assertThat(json(read.body()).read("$.displayName", String.class)).as("read after write " + i)
					.isEqualTo(name);
			}
		}
		finally {
			for (PostgresNode replica : services.cluster().replicas()) {
				replica.clearReplayDelay();
			}
		}
	}

	@Test
	void cachedProductsAreServedFromRedis() throws Exception {
		StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
		DocumentContext first = json(get("/products/7"));
		assertThat(redis.opsForValue().get("products::7")).contains("\"name\":\"Product 7\"");
		DocumentContext second = json(get("/products/7"));
		assertThat(second.read("$.servedBy.port", Integer.class)).as("the cached copy")
			.isEqualTo(first.read("$.servedBy.port", Integer.class));
		assertThat(redis.getExpire("products::7")).isBetween(1L, 60L);
		HttpResponse<String> changed = send(HttpRequest.newBuilder(uri("/products/7/price"))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"priceCents\":4242}")));
		assertThat(json(changed.body()).read("$.priceCents", Integer.class)).isEqualTo(4242);
		assertThat(redis.hasKey("products::7")).as("evicted after commit").isFalse();
	}

	@Test
	void workloadReportsWhereWorkWentAndNoStaleRead() throws Exception {
		DocumentContext report = json(send(HttpRequest.newBuilder(uri("/demo/workload?seconds=2&threads=4"))
			.POST(HttpRequest.BodyPublishers.noBody())).body());
		assertThat(report.read("$.failures", Integer.class)).isZero();
		assertThat(report.read("$.staleReads", Integer.class)).isZero();
		assertThat(report.read("$.readYourWritesPairs", Integer.class)).isPositive();
		assertThat(report.read("$.routed.replica-1.read-only", Integer.class)).isPositive();
		assertThat(report.read("$.routed.replica-2.read-only", Integer.class)).isPositive();
		assertThat(report.read("$.routed.primary.read-write", Integer.class)).isPositive();
	}

	@Test
	void actuatorShowsReplicationAndTheStatusPageIsServed() throws Exception {
		assertThat(json(get("/actuator/health")).read("$.components.replication.status", String.class)).isEqualTo("UP");
		assertThat(json(get("/actuator/replication")).read("$.nodes[*].name", java.util.List.class))
			.containsExactly("primary", "replica-1", "replica-2");
		assertThat(get("/status.html")).contains("replica-router");
		assertThat(get("/status.js")).contains("actuator/replication");
	}

	private static PostgresNode primary() {
		return services.cluster().primary();
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).GET());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return response.body();
	}

	private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(String path) {
		return URI.create(path.startsWith("http") ? path : base + path);
	}

	private static DocumentContext json(String body) {
		return JsonPath.parse(body);
	}

}
