package io.replicarouter.it.security;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

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
 * Read-your-writes across two instances of a secured application with sessions in Redis,
 * the token kept in Redis too ({@code replica-router.consistency.store=redis}): the user
 * writes through one instance and reads through the other without sending the token back.
 * Both replicas replay a second late, so a read finds the row only where it was written:
 * on the primary. The security and session filters run after the starter's scope filter,
 * so this holds only if the store key is found after them.
 */
class SecuredCrossInstanceReadYourWritesIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private static final int PAIRS = 20;

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
	void tokensKeyedByTheAuthenticatedUserReachTheOtherInstance() throws Exception {
		startInstances("principal");
		for (int i = 1; i <= PAIRS; i++) {
			post(this.first, 100, i, "alice", null);
			String[] read = get(this.second, 100, "alice", null).body().split(",");
			assertThat(Long.parseLong(read[0])).as("pair " + i + ": the write").isEqualTo(i);
			assertThat(Integer.parseInt(read[1])).as("pair " + i + ": served by the primary")
				.isEqualTo(extension.cluster().primary().port());
		}
	}

	@Test
	void tokensKeyedByTheRedisSessionReachTheOtherInstance() throws Exception {
		startInstances("session");
		String session = null;
		for (int i = 1; i <= PAIRS; i++) {
			HttpResponse<String> written = post(this.first, 200, i, "alice", session);
			session = sessionCookie(written).orElse(session);
			assertThat(session).as("Spring Session's cookie").isNotNull();
			String[] read = get(this.second, 200, "alice", session).body().split(",");
			assertThat(Long.parseLong(read[0])).as("pair " + i + ": the write").isEqualTo(i);
			assertThat(Integer.parseInt(read[1])).as("pair " + i + ": served by the primary")
				.isEqualTo(extension.cluster().primary().port());
		}
	}

	@Test
	void anotherUserHasNoTokenAndReadsFromAReplica() throws Exception {
		startInstances("principal");
		int stale = 0;
		for (int i = 1; i <= 5; i++) {
			post(this.first, 300, i, "alice", null);
			String[] read = get(this.second, 300, "bob", null).body().split(",");
			assertThat(Integer.parseInt(read[1])).as("pair " + i + ": not pinned to the primary")
				.isNotEqualTo(extension.cluster().primary().port());
			if (Long.parseLong(read[0]) != i) {
				stale++;
			}
		}
		assertThat(stale).as("the harness can see stale reads").isPositive();
	}

	private void startInstances(String key) {
		String[] properties = { "replica-router.consistency.store=redis", "replica-router.consistency.redis.key=" + key,
				"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redisPort };
		this.first = SecuredWebApplication.start(extension.cluster(), properties);
		this.second = SecuredWebApplication.start(extension.cluster(), properties);
	}

	private static Optional<String> sessionCookie(HttpResponse<String> response) {
		return response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("SESSION="))
			.map((cookie) -> cookie.split(";", 2)[0])
			.findFirst();
	}

	private HttpResponse<String> post(ConfigurableApplicationContext instance, int id, long value, String user,
			String sessionCookie) throws IOException, InterruptedException {
		HttpRequest.Builder request = request(instance, "/kv/" + id + "?v=" + value, user, sessionCookie)
			.POST(HttpRequest.BodyPublishers.noBody());
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response;
	}

	private HttpResponse<String> get(ConfigurableApplicationContext instance, int id, String user,
			String sessionCookie) throws IOException, InterruptedException {
		HttpResponse<String> response = this.http.send(request(instance, "/kv/" + id, user, sessionCookie).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response;
	}

	private static HttpRequest.Builder request(ConfigurableApplicationContext instance, String path, String user,
			String sessionCookie) {
		String credentials = user + ":" + SecuredWebApplication.USERS.get(user);
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + SecuredWebApplication.port(instance) + path))
			.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		if (sessionCookie != null) {
			request.header("Cookie", sessionCookie);
		}
		return request;
	}

}
