package io.replicarouter.it.consistency;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.embedded.RedisServer;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes across two application instances: write through one, read through the
 * other, with both replicas' replay delayed by a second. The token travels in a cookie, a
 * header, or Redis keyed by user.
 */
class CrossInstanceReadYourWritesIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private static final int PAIRS = 100;

	private static RedisServer redis;

	private static int redisPort;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private ConfigurableApplicationContext first;

	private ConfigurableApplicationContext second;

	@BeforeAll
	static void setUp() throws Exception {
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("create table kv (id int primary key, v bigint not null)");
		}
		extension.cluster().awaitReplication();
		for (PostgresNode replica : extension.cluster().replicas()) {
			replica.setReplayDelay(Duration.ofSeconds(1));
		}
		try (ServerSocket socket = new ServerSocket(0)) {
			redisPort = socket.getLocalPort();
		}
		redis = RedisServer.newRedisServer().bind("127.0.0.1").port(redisPort).setting("save \"\"").build();
		redis.start();
	}

	@AfterAll
	static void tearDown() throws IOException {
		if (redis != null) {
			redis.stop();
		}
		for (PostgresNode replica : extension.cluster().replicas()) {
			replica.clearReplayDelay();
		}
	}

	@AfterEach
	void stopInstances() {
		if (this.first != null) {
			this.first.close();
		}
		if (this.second != null) {
			this.second.close();
		}
	}

	@Test
	void cookieCarriesTheTokenToTheOtherInstance() throws Exception {
		startInstances();
		int stale = pairs(1000, (request) -> request, true);
		assertThat(stale).isZero();
	}

	@Test
	void headerCarriesTheTokenToTheOtherInstance() throws Exception {
		startInstances("replica-router.consistency.web.cookie-name=");
		int stale = pairs(2000, (request) -> request, true);
		assertThat(stale).isZero();
	}

	@Test
	void withoutTheTokenTheOtherInstanceServesStaleReads() throws Exception {
		startInstances();
		int stale = pairs(3000, (request) -> request, false);
		assertThat(stale).as("the harness can see stale reads").isPositive();
	}

	@Test
	void redisStoreKeyedByUserCarriesTheTokenWithoutCookieOrHeader() throws Exception {
		String[] redisStore = { "replica-router.consistency.store=redis", "replica-router.consistency.redis.key=principal",
				"replica-router.consistency.web.cookie-name=", "replica-router.consistency.web.header-name=",
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redisPort };
		startInstances(redisStore);
		int stale = pairs(4000, (request) -> request.header("X-User", "alice"), false);
		assertThat(stale).isZero();
	}

	@Test
	void tamperedAndOversizedTokensAreIgnoredSafely() throws Exception {
		startInstances();
		post(this.first, 5000, 1, (request) -> request);
		extension.cluster().awaitReplication(Duration.ofSeconds(30));
		Thread.sleep(1500);
		List<String> tokens = List.of("garbage", "1.zz.zz", "x".repeat(4000), "1.ffffffff.ffffffffffff",
				"1.10.10;Path=/", "%00%01", "1.10000000000000000.1");
		for (String token : tokens) {
			for (String transport : List.of("cookie", "header")) {
				HttpResponse<String> response = get(this.second, 5000, (request) -> transport.equals("cookie")
						? request.header("Cookie", "rr-consistency=" + token)
						: request.header("X-Consistency-Token", token));
				assertThat(response.statusCode()).as(transport + " " + token.length()).isEqualTo(200);
				int port = Integer.parseInt(response.body().split(",")[1]);
				assertThat(port).as("read not pinned to the primary by " + transport)
					.isNotEqualTo(extension.cluster().primary().port());
			}
		}
	}

	private void startInstances(String... properties) {
		this.first = WebTestApplication.start(extension.cluster(), properties);
		this.second = WebTestApplication.start(extension.cluster(), properties);
	}

	/**
	 * Write through the first instance, read through the second, {@link #PAIRS} times.
	 * @return how many reads were stale
	 */
	private int pairs(int keyBase, UnaryOperator<HttpRequest.Builder> customize, boolean sendToken) throws Exception {
		int stale = 0;
		int onPrimary = 0;
		for (int i = 1; i <= PAIRS; i++) {
			HttpResponse<String> written = post(this.first, keyBase + i % 10, i, customize);
			String cookie = written.headers().allValues("Set-Cookie").stream().reduce((a, b) -> b).orElse(null);
			String header = written.headers().firstValue("X-Consistency-Token").orElse(null);
			HttpResponse<String> read = get(this.second, keyBase + i % 10, (request) -> {
				HttpRequest.Builder builder = customize.apply(request);
				if (sendToken && cookie != null) {
					builder.header("Cookie", cookie.split(";", 2)[0]);
				}
				if (sendToken && header != null) {
					builder.header("X-Consistency-Token", header);
				}
				return builder;
			});
			assertThat(read.statusCode()).isEqualTo(200);
			String[] valueAndPort = read.body().split(",");
			if (Long.parseLong(valueAndPort[0]) != i) {
				stale++;
			}
			if (Integer.parseInt(valueAndPort[1]) == extension.cluster().primary().port()) {
				onPrimary++;
			}
		}
		System.out.println("cross-instance pairs: " + PAIRS + ", stale " + stale + ", reads on the primary " + onPrimary);
		return stale;
	}

	private HttpResponse<String> post(ConfigurableApplicationContext instance, int id, long value,
			UnaryOperator<HttpRequest.Builder> customize) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + WebTestApplication.port(instance) + "/kv/" + id + "?v=" + value))
			.POST(HttpRequest.BodyPublishers.noBody());
		HttpResponse<String> response = this.http.send(customize.apply(request).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response;
	}

	private HttpResponse<String> get(ConfigurableApplicationContext instance, int id,
			UnaryOperator<HttpRequest.Builder> customize) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + WebTestApplication.port(instance) + "/kv/" + id))
			.GET();
		return this.http.send(customize.apply(request).build(), HttpResponse.BodyHandlers.ofString());
	}

}
