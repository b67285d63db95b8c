package io.replicarouter.it.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.replicarouter.it.RoutingTestCluster;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.test.PostgresReplicationCluster;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code replication} endpoint follows Boot's access rules: not on the web unless
 * exposed, and its drain operation off unless access is unrestricted. Only both settings
 * together make drain reachable over HTTP, and a refused request drains nothing.
 */
class EndpointAccessIT {

	private final HttpClient http = HttpClient.newHttpClient();

	@Test
	void notOnTheWebUnlessExposed() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			assertThat(get(context, "/actuator/replication")).isEqualTo(404);
			assertThat(post(context, "/actuator/replication/replica-1")).isIn(404, 405);
		}
	}

	@Test
	void unrestrictedAccessAloneDoesNotPutItOnTheWeb() throws Exception {
		try (ConfigurableApplicationContext context = start("management.endpoint.replication.access=unrestricted")) {
			assertThat(get(context, "/actuator/replication")).isEqualTo(404);
			assertThat(post(context, "/actuator/replication/replica-1", true)).isIn(404, 405);
			assertThat(state(context)).isNotEqualTo(NodeState.DRAINED);
		}
	}

	@Test
	void exposedItIsReadOnlyUntilAccessIsUnrestricted() throws Exception {
		try (ConfigurableApplicationContext context = start("management.endpoints.web.exposure.include=replication")) {
			assertThat(get(context, "/actuator/replication")).isEqualTo(200);
			assertThat(get(context, "/actuator/replication/replica-1")).isEqualTo(200);
			assertThat(post(context, "/actuator/replication/replica-1", true)).isIn(404, 405);
			assertThat(state(context)).as("a refused drain drains nothing").isNotEqualTo(NodeState.DRAINED);
		}
		try (ConfigurableApplicationContext context = start("management.endpoints.web.exposure.include=replication",
				"management.endpoint.replication.access=unrestricted")) {
			assertThat(post(context, "/actuator/replication/replica-1", true)).isEqualTo(200);
			assertThat(state(context)).isEqualTo(NodeState.DRAINED);
			assertThat(post(context, "/actuator/replication/replica-1")).isEqualTo(200);
			assertThat(state(context)).isNotEqualTo(NodeState.DRAINED);
		}
	}

	private static NodeState state(ConfigurableApplicationContext context) {
		return context.getBean(ReplicaHealthMonitor.class).health("replica-1").state();
	}

	private ConfigurableApplicationContext start(String... properties) {
		PostgresReplicationCluster cluster = RoutingTestCluster.get();
		return new SpringApplicationBuilder(ObservabilityIT.WebApplication.class)
			.properties("spring.datasource.url=" + cluster.primary().jdbcUrl(),
					"spring.datasource.username=" + cluster.username(), "spring.datasource.password=" + cluster.password(),
					"replica-router.replicas[0].url=" + cluster.replica(0).jdbcUrl(), "spring.flyway.enabled=false",
					"server.port=0", "management.health.redis.enabled=false")
			.properties(properties)
			.run();
	}

	private int get(ConfigurableApplicationContext context, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(context, path)).build(), HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

	private int post(ConfigurableApplicationContext context, String path) throws Exception {
		return post(context, path, false);
	}

	private int post(ConfigurableApplicationContext context, String path, boolean drained) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(context, path))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"drained\":" + drained + "}"))
			.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
	}

	private static URI uri(ConfigurableApplicationContext context, String path) {
		return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port") + path);
	}

}
