package io.replicarouter.conformance.security;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.replicarouter.conformance.ConformanceCluster;
import io.replicarouter.conformance.Observation;
import io.replicarouter.conformance.Routing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of {@link AccountApplication} (two application contexts, two ports) on the same cluster and Redis.
 * A user logs in, writes through instance A and reads through instance B sending only the session cookie (no
 * consistency cookie or header) while the replicas lag by a second: the read must see the write.
 */
abstract class AccountConformance {

	private static RedisServer redis;

	private static int redisPort;

	private final boolean expectReplica;

	private final String[] userProperties;

	AccountConformance(boolean expectReplica, String... userProperties) {
		this.expectReplica = expectReplica;
		this.userProperties = userProperties;
	}

	@BeforeAll
	static void start() throws IOException {
		ConformanceCluster.executeOnPrimary(
				"create table if not exists account_item (id bigserial primary key, marker varchar(64) not null)");
		try (ServerSocket socket = new ServerSocket(0)) {
			redisPort = socket.getLocalPort();
		}
		redis = RedisServer.newRedisServer().bind("127.0.0.1").port(redisPort).setting("save \"\"").build();
		redis.start();
	}

	@AfterAll
	static void stop() throws IOException {
		if (redis != null) {
			redis.stop();
		}
	}

	@Test
	void aUserWritingThroughOneInstanceReadsTheWriteThroughAnother() {
		try (ConfigurableApplicationContext a = startInstance(); ConfigurableApplicationContext b = startInstance()) {
			RestClient instanceA = client(a);
			RestClient instanceB = client(b);
			String session = logIn(instanceA);
			String marker = UUID.randomUUID().toString();
			ConformanceCluster.withLaggingReplicas(Duration.ofSeconds(1), () -> {
				ResponseEntity<Observation> written = instanceA.post()
					.uri("/items?marker={marker}", marker)
					.header(HttpHeaders.COOKIE, session)
					.retrieve()
					.toEntity(Observation.class);
				assertThat(written.getStatusCode().value()).isEqualTo(200);
				Routing.assertOnPrimary(written.getBody());
				ResponseEntity<Observation> read = instanceB.get()
					.uri("/items?marker={marker}", marker)
					.header(HttpHeaders.COOKIE, session)
					.retrieve()
					.toEntity(Observation.class);
				assertThat(read.getStatusCode().value()).as("authenticated on B by the shared session").isEqualTo(200);
				Routing.assertReadSees(read.getBody(), this.expectReplica, 1);
			});
		}
	}

	@Test
	void aUserWhoWroteNothingReadsFromAReplica() {
		try (ConfigurableApplicationContext a = startInstance()) {
			RestClient instanceA = client(a);
			String session = logIn(instanceA);
			ConformanceCluster.get().awaitReplication();
			ResponseEntity<Observation> read = instanceA.get()
				.uri("/items?marker={marker}", UUID.randomUUID().toString())
				.header(HttpHeaders.COOKIE, session)
				.retrieve()
				.toEntity(Observation.class);
			assertThat(read.getStatusCode().value()).isEqualTo(200);
			Routing.assertRead(read.getBody(), this.expectReplica);
		}
	}

	/**
	 * Logs in with the login form.
	 * @return the {@code SESSION} cookie, as a {@code Cookie} header value
	 */
	private static String logIn(RestClient instance) {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("username", "alice");
		form.add("password", "alice-password");
		ResponseEntity<Void> response = instance.post()
			.uri("/login")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(form)
			.retrieve()
			.toBodilessEntity();
		assertThat(response.getStatusCode().is3xxRedirection()).isTrue();
		assertThat(response.getHeaders().getLocation()).as("logged in").isNotNull();
		assertThat(response.getHeaders().getLocation().toString()).as("logged in").doesNotContain("error");
		return response.getHeaders()
			.getOrEmpty(HttpHeaders.SET_COOKIE)
			.stream()
			.filter((cookie) -> cookie.startsWith("SESSION="))
			.map((cookie) -> cookie.split(";", 2)[0])
			.findFirst()
			.orElseThrow(() -> new AssertionError("no SESSION cookie: " + response.getHeaders()));
	}

	private ConfigurableApplicationContext startInstance() {
		List<String> properties = new ArrayList<>();
		ConformanceCluster.get().springBootProperties().forEach((name, value) -> properties.add(name + "=" + value));
		properties.add("server.port=0");
		properties.add("spring.data.redis.host=127.0.0.1");
		properties.add("spring.data.redis.port=" + redisPort);
		properties.add("replica-router.consistency.store=redis");
		properties.addAll(List.of(this.userProperties));
		return new SpringApplicationBuilder(AccountApplication.class).properties(properties.toArray(String[]::new))
			.run();
	}

	private static RestClient client(ConfigurableApplicationContext instance) {
		return RestClient.create("http://127.0.0.1:" + instance.getEnvironment().getProperty("local.server.port"));
	}

}
