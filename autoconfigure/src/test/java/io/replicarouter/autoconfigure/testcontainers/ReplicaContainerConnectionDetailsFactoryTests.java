package io.replicarouter.autoconfigure.testcontainers;

import io.replicarouter.autoconfigure.ReplicaConnectionDetails;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import org.junit.jupiter.api.Test;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary container declared with {@code @ServiceConnection} and a replica container
 * declared with {@code @ServiceConnection(name = "replica", type =
 * ReplicaConnectionDetails.class)} give one {@link JdbcConnectionDetails} (the primary's)
 * and one {@link ReplicaConnectionDetails} (the replica's), and the router routes over
 * both. The containers stand in for running ones: they answer with fixed addresses and
 * are never started, so no Docker is needed.
 */
class ReplicaContainerConnectionDetailsFactoryTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(ServiceConnectionAutoConfiguration.class, ReplicaRouterAutoConfiguration.class,
					DataSourceAutoConfiguration.class));

	@Test
	void theReplicaContainerGivesReplicaConnectionDetailsOnly() {
		this.runner.withUserConfiguration(ContainersConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(ReplicaConnectionDetails.class);
			ReplicaConnectionDetails replica = context.getBean(ReplicaConnectionDetails.class);
			assertThat(replica.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:2/app");
			assertThat(replica.getUsername()).isEqualTo("reader");
			assertThat(replica.getPassword()).isEqualTo("reader-Secret");
			assertThat(replica.getName()).isNull();
			assertThat(replica.toString()).doesNotContain("reader-Secret");
		});
	}

	@Test
	void thePrimaryContainerStaysThePrimaryAlone() {
		this.runner.withUserConfiguration(ContainersConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(JdbcConnectionDetails.class);
			JdbcConnectionDetails primary = context.getBean(JdbcConnectionDetails.class);
			assertThat(primary.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:1/app");
			assertThat(primary.getUsername()).isEqualTo("app");
		});
	}

	@Test
	void theRouterRoutesOverThePrimaryAndTheReplicaContainer() {
		this.runner.withUserConfiguration(ContainersConfiguration.class).run((context) -> {
			ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
			assertThat(router.getPrimary().maskedUrl()).contains("127.0.0.1:1/app");
			assertThat(router.getReplicas()).extracting(DataSourceNode::name).containsExactly("replica-1");
			assertThat(router.getReplicas().get(0).maskedUrl()).contains("127.0.0.1:2/app");
		});
	}

	@Test
	void aContainerWithoutTheReplicaNameIsNoReplica() {
		this.runner.withUserConfiguration(PrimaryOnlyConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ReplicaConnectionDetails.class);
			assertThat(context).doesNotHaveBean(ReplicaRoutingDataSource.class);
			assertThat(context).hasSingleBean(JdbcConnectionDetails.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class PrimaryOnlyConfiguration {

		@Bean
		@ServiceConnection
		StandInPostgres primary() {
			return new StandInPostgres("jdbc:postgresql://127.0.0.1:1/app", "app", "app-Secret");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ContainersConfiguration {

		@Bean
		@ServiceConnection
		StandInPostgres primary() {
			return new StandInPostgres("jdbc:postgresql://127.0.0.1:1/app", "app", "app-Secret");
		}

		@Bean
		@ServiceConnection(name = ReplicaConnectionDetails.CONNECTION_NAME, type = ReplicaConnectionDetails.class)
		StandInPostgres replica() {
			return new StandInPostgres("jdbc:postgresql://127.0.0.1:2/app", "reader", "reader-Secret");
		}

	}

	/**
	 * A {@link PostgreSQLContainer} that needs no Docker: it is never started and answers
	 * with a fixed URL.
	 */
	static class StandInPostgres extends PostgreSQLContainer {

		private final String jdbcUrl;

		StandInPostgres(String jdbcUrl, String username, String password) {
			super(DockerImageName.parse("postgres:17"));
			this.jdbcUrl = jdbcUrl;
			withUsername(username);
			withPassword(password);
		}

		@Override
		public String getJdbcUrl() {
			return this.jdbcUrl;
		}

		@Override
		public void start() {
		}

		@Override
		public void stop() {
		}

	}

}
