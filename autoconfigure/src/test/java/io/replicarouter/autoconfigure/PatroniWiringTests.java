package io.replicarouter.autoconfigure;

import java.io.IOException;
import java.net.InetSocketAddress;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.topology.LeaderDataSource;
import io.replicarouter.topology.StaticTopologySource;
import io.replicarouter.topology.TopologySource;
import io.replicarouter.topology.patroni.ClusterAnswers;
import io.replicarouter.topology.patroni.PatroniTopologySource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code replica-router.patroni.urls} alone turns the router on, with its replicas read
 * from Patroni's {@code GET /cluster} (served here by a local HTTP server: the decisions
 * need no database, the real cluster is in the patroni-tests module) and the primary's
 * pool connecting to the leader.
 */
@ExtendWith(OutputCaptureExtension.class)
class PatroniWiringTests {

	private static final String SECRET = "patroni-Rest-Secret-31";

	private HttpServer server;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://pg-0:5432,pg-1:5432/app?targetServerType=primary",
				"spring.datasource.username=app", "replica-router.fail-fast=false");

	@BeforeEach
	void start() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/cluster", (exchange) -> {
			ClusterAnswers.respond(exchange, ClusterAnswers.leaderAndOneReplica());
		});
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	private String patroni() {
		return "replica-router.patroni.urls=http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	@Test
	void patroniUrlsAloneTurnTheRouterOnWithTheClustersMembers() {
		this.runner.withPropertyValues(patroni()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(TopologySource.class)).isInstanceOf(PatroniTopologySource.class);
			assertThat(context).doesNotHaveBean(StaticTopologySource.class);
			DatabaseNodes nodes = context.getBean(DatabaseNodes.class);
			assertThat(nodes.replicas()).extracting(DataSourceNode::name).containsExactly("pg1");
			assertThat(nodes.replicas().get(0).maskedUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:2/app");
			HikariDataSource primary = context.getBean(ApplicationDataSources.PRIMARY, HikariDataSource.class);
			assertThat(primary.getDataSource()).isInstanceOfSatisfying(LeaderDataSource.class, (leader) -> {
				assertThat(leader.leader()).isEqualTo("pg0");
				assertThat(leader.maskedUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:1/app");
			});
			assertThat(context.getBean(TopologySource.class).status().leader()).isEqualTo("pg0");
		});
	}

	@Test
	void withoutPatroniTheTopologyIsTheConfigurations() {
		this.runner.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				assertThat(context.getBean(TopologySource.class)).isInstanceOf(StaticTopologySource.class);
				assertThat(context.getBean(TopologySource.class).status().source()).isEqualTo("static");
				assertThat(context).doesNotHaveBean(PatroniTopologySource.class);
				HikariDataSource primary = context.getBean(ApplicationDataSources.PRIMARY, HikariDataSource.class);
				assertThat(primary.getDataSource()).as("Boot's own driver data source").isNull();
			});
	}

	@Test
	void theRestApiPasswordIsNeverShown(CapturedOutput output) {
		this.runner.withPropertyValues(patroni(), "replica-router.patroni.username=patroni",
				"replica-router.patroni.password=" + SECRET)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(TopologySource.class).status().toDetails().toString())
					.doesNotContain(SECRET);
			});
		assertThat(output).doesNotContain(SECRET);
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource(delimiter = '|', textBlock = """
			replica-router.patroni.urls[0]  | ftp://127.0.0.1:8008                           | not an http(s) address
			replica-router.patroni.urls[0]  | http://patroni:patroni-Rest-Secret-31@pg-1:8008 | carries a user name or password
			replica-router.patroni.poll-interval | 0s                                        | must be longer than zero
			replica-router.patroni.timeout  | -1s                                            | must be longer than zero
			replica-router.patroni.retire-timeout | -1s                                      | must not be negative
			""")
	void badPatroniSettingsFailNamingThePropertyAndTheFix(String property, String value, String problem) {
		String urls = property.startsWith("replica-router.patroni.urls") ? property + "=" + value : patroni();
		this.runner.withPropertyValues(urls, property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidReplicaRouterConfigurationException.class)
				.hasMessageContaining("'" + property + "'")
				.hasMessageContaining(problem)
				.hasMessageNotContaining(SECRET);
		});
	}

}
