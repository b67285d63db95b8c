package io.replicarouter.it.secrets;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RoutingTestCluster;
import io.replicarouter.it.Server;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.test.PostgresReplicationCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import redis.embedded.RedisServer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * With every logger at DEBUG, no secret shows up in the log, in the monitor's view of the
 * nodes, in the messages of an exception a caller or a failed startup sees, or in any
 * actuator response: the primary's password ({@code spring.datasource.password} and a
 * {@code password} URL parameter), replica passwords (property and URL parameter), an
 * {@code sslpassword} URL parameter, a {@code user:password@host} URL and the Redis
 * password ({@code spring.data.redis.password}, checked against a Redis with
 * {@code requirepass}).
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretHygieneIT {

	private static final String WRONG_PASSWORD = "wrong-Secret-991";

	private final PostgresReplicationCluster cluster = RoutingTestCluster.get();

	@Test
	void passwordsNeverReachLogsOrExceptionMessages(CapturedOutput output) {
		List<Throwable> failures = new ArrayList<>();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("logging.level.root=DEBUG", "logging.level.com.zaxxer.hikari=DEBUG",
					"logging.level.io.replicarouter=TRACE", "logging.level.org.postgresql=DEBUG",
					"logging.level.org.springframework.jdbc=DEBUG", "spring.datasource.url=" + this.cluster.primary().jdbcUrl(),
					"spring.datasource.username=" + this.cluster.username(),
					"spring.datasource.password=" + RoutingTestCluster.PASSWORD,
					"replica-router.replicas[0].url=" + this.cluster.replica(0).jdbcUrl(),
					"replica-router.replicas[0].password=" + RoutingTestCluster.PASSWORD,
					"replica-router.replicas[1].url=" + this.cluster.replica(1).jdbcUrl(),
					"replica-router.replicas[1].password=" + WRONG_PASSWORD,
					"replica-router.replicas[1].hikari.connection-timeout=1000")
			.run()) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate readOnly = new TransactionTemplate(
					context.getBean(org.springframework.transaction.PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			List<Integer> servedBy = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				try {
					servedBy.add(readOnly.execute((status) -> jdbc.queryForObject(Server.QUERY,
							(rs, row) -> rs.getInt("port"))));
				}
				catch (RuntimeException ex) {
					failures.add(ex);
				}
			}
			jdbc.queryForObject("select 1", Integer.class);
			assertThat(failures).as("reads avoid the replica that refuses the password").isEmpty();
			assertThat(servedBy).containsOnly(this.cluster.replica(0).port());
			ReplicaHealthMonitor monitor = context.getBean(ReplicaHealthMonitor.class);
			NodeHealth refused = monitor.replicaHealth().get(1);
			assertThat(refused.state()).isEqualTo(NodeState.DOWN);
			assertThat(refused.detail()).contains("password authentication failed")
				.doesNotContain(WRONG_PASSWORD);
			try (Connection connection = context.getBean(ReplicaRoutingDataSource.class)
				.getReplicas()
				.get(1)
				.dataSource()
				.getConnection()) {
				failures.add(new AssertionError("replica-2 accepted a wrong password"));
			}
			catch (SQLException ex) {
				failures.add(ex);
			}
		}
		assertThat(messages(failures)).contains("password authentication failed")
			.doesNotContain(RoutingTestCluster.PASSWORD)
			.doesNotContain(WRONG_PASSWORD);
		assertThat(output.getAll()).contains("DEBUG")
			.doesNotContain(RoutingTestCluster.PASSWORD)
			.doesNotContain(WRONG_PASSWORD);
	}

	private static final String SSL_KEY_PASSWORD = "ssl-Key-Secret-8242";

	private static final String REDIS_PASSWORD = "redis-Secret-6021";

	private static final String USER_INFO_PASSWORD = "userinfo-Secret-1414";

	private static final String[] ACTUATOR_PATHS = { "/actuator", "/actuator/health", "/actuator/health/replication",
			"/actuator/health/redis", "/actuator/replication", "/actuator/replication/primary",
			"/actuator/replication/replica-1", "/actuator/env", "/actuator/env/spring.datasource.password",
			"/actuator/env/spring.datasource.url", "/actuator/env/spring.data.redis.password", "/actuator/configprops",
			"/actuator/configprops/replica-router", "/actuator/configprops/spring.datasource", "/actuator/beans",
			"/actuator/conditions", "/actuator/metrics", "/actuator/loggers", "/actuator/startup" };

	@Test
	void secretsInUrlsAndRedisNeverReachLogsOrActuatorResponses(CapturedOutput output) throws Exception {
		int redisPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			redisPort = socket.getLocalPort();
		}
		RedisServer redis = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(redisPort)
			.setting("save \"\"")
			.setting("appendonly no")
			.setting("requirepass " + REDIS_PASSWORD)
			.build();
		redis.start();
		HttpClient http = HttpClient.newHttpClient();
		List<String> bodies = new ArrayList<>();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(WebTestApplication.class)
			.properties("logging.level.root=DEBUG", "logging.level.io.replicarouter=TRACE",
					"logging.level.com.zaxxer.hikari=DEBUG", "logging.level.org.postgresql=DEBUG",
					"logging.level.io.lettuce=DEBUG", "logging.level.org.springframework.boot=DEBUG",
					"spring.datasource.url=" + this.cluster.primary().jdbcUrl() + "?password="
							+ RoutingTestCluster.PASSWORD + "&sslpassword=" + SSL_KEY_PASSWORD,
					"spring.datasource.username=" + this.cluster.username(),
					"spring.datasource.password=" + RoutingTestCluster.PASSWORD,
					"replica-router.replicas[0].url=" + this.cluster.replica(0).jdbcUrl() + "?password="
							+ RoutingTestCluster.PASSWORD,
					"replica-router.replicas[1].url=" + this.cluster.replica(1).jdbcUrl(),
					"replica-router.replicas[1].password=" + RoutingTestCluster.PASSWORD,
					"spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + redisPort,
					"spring.data.redis.password=" + REDIS_PASSWORD, "replica-router.cache.command-timeout=3s",
					"spring.flyway.enabled=false", "server.port=0",
					"management.endpoints.web.exposure.include=*", "management.endpoint.health.show-details=always",
					"management.endpoint.health.show-components=always")
			.run()) {
			RouterTestApplication.createTables(this.cluster);
			RouterTestApplication.Queries queries = context.getBean(RouterTestApplication.Queries.class);
			queries.write();
			queries.readOnly();
			String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
			for (String path : ACTUATOR_PATHS) {
				HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
						HttpResponse.BodyHandlers.ofString());
				assertThat(response.statusCode()).as("%s: %s", path, response.body()).isIn(200, 404);
				bodies.add(path + " -> " + response.statusCode() + " " + response.body());
			}
		}
		finally {
			redis.stop();
		}
		String all = String.join("\n", bodies);
		assertThat(all).as("Redis answered the health check with the password")
			.contains("/actuator/health/redis -> 200")
			.contains("\"redis\"");
		assertThat(all).contains("/actuator/env/spring.datasource.password -> 200")
			.contains("/actuator/configprops -> 200")
			.contains("/actuator/replication -> 200")
			.contains("\"******\"");
		assertNoSecret(all);
		assertThat(output.getAll()).contains("DEBUG").contains("HikariConfig");
		assertNoSecret(output.getAll());
	}

	@Test
	void startupFailuresNeverShowASecret(CapturedOutput output) {
		String userInfoUrl = "jdbc:postgresql://" + this.cluster.username() + ":" + USER_INFO_PASSWORD + "@127.0.0.1:"
				+ this.cluster.replica(0).port() + "/" + this.cluster.database();
		Throwable userInfo = catchThrowable(() -> new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("logging.level.root=DEBUG", "spring.datasource.url=" + this.cluster.primary().jdbcUrl(),
					"spring.datasource.username=" + this.cluster.username(),
					"spring.datasource.password=" + RoutingTestCluster.PASSWORD,
					"replica-router.replicas[0].url=" + userInfoUrl)
			.run()
			.close());
		assertThat(messages(List.of(userInfo))).contains("replica-router.replicas[0].url")
			.contains(":******@127.0.0.1");
		Throwable wrongPassword = catchThrowable(() -> new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("logging.level.root=DEBUG", "spring.datasource.url=" + this.cluster.primary().jdbcUrl(),
					"spring.datasource.username=" + this.cluster.username(),
					"spring.datasource.password=" + WRONG_PASSWORD,
					"replica-router.replicas[0].url=" + this.cluster.replica(0).jdbcUrl(),
					"replica-router.fail-fast=true", "spring.flyway.enabled=false")
			.run()
			.close());
		assertThat(messages(List.of(wrongPassword))).contains("refused the credentials");
		String all = messages(List.of(userInfo, wrongPassword)) + output.getAll();
		assertThat(all).contains("APPLICATION FAILED TO START");
		assertNoSecret(all);
		assertThat(all).doesNotContain(WRONG_PASSWORD);
	}

	private static void assertNoSecret(String text) {
		assertThat(text).doesNotContain(RoutingTestCluster.PASSWORD)
			.doesNotContain(SSL_KEY_PASSWORD)
			.doesNotContain(REDIS_PASSWORD)
			.doesNotContain(USER_INFO_PASSWORD);
	}

	private static String messages(List<Throwable> failures) {
		StringBuilder messages = new StringBuilder();
		for (Throwable failure : failures) {
			for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
				messages.append(ex).append('\n');
			}
		}
		return messages.toString();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
			"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
	static class TestApplication {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
			"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
	@org.springframework.context.annotation.Import(RouterTestApplication.Queries.class)
	static class WebTestApplication {

	}

}
