package io.replicarouter.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link ReplicaConnectionDetails} bean, as Boot's Testcontainers and Docker Compose
 * support register them, is one more replica: it gets a pool bean, joins the nodes the
 * routing DataSource is built from after the configured replicas, and turns the router on
 * by itself. No database is needed: pools are not started.
 */
class ServiceConnectionReplicasWiringTests {

	private static final String PRIMARY_PASSWORD = "primary-Secret-4711";

	private static final String REPLICA_PASSWORD = "replica-Secret-0815";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"spring.datasource.username=app", "spring.datasource.password=" + PRIMARY_PASSWORD);

	@Test
	void aConnectionDetailsBeanAloneIsAReplicaWithThePrimarysCredentials() {
		this.runner.withBean("replicaDetails", ReplicaConnectionDetails.class,
				() -> details("jdbc:postgresql://127.0.0.1:2/app", null, null, null))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(router.getReplicas()).extracting(DataSourceNode::name).containsExactly("replica-1");
				HikariDataSource pool = context.getBean("replicaRouterReplica0DataSource", HikariDataSource.class);
				assertThat(router.getReplicas().get(0).dataSource()).isSameAs(pool);
				assertThat(pool.getJdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:2/app");
				assertThat(pool.getPoolName()).isEqualTo("replica-1");
				assertThat(pool.getUsername()).isEqualTo("app");
				assertThat(pool.getPassword()).isEqualTo(PRIMARY_PASSWORD);
				assertThat(context.getBean(DatabaseNodes.class).replicas()).hasSize(1);
				assertThat(context.getBean(ReplicaHealthMonitor.class).replicaHealth())
					.as("probed, so in health, the endpoint and metrics like any replica")
					.extracting((health) -> health.node().name())
					.containsExactly("replica-1");
			});
	}

	@Test
	void aConnectionDetailsBeanWithCredentialsAndANameUsesThem() {
		this.runner.withBean("replicaDetails", ReplicaConnectionDetails.class,
				() -> details("jdbc:postgresql://127.0.0.1:2/app", "reader", REPLICA_PASSWORD, "standby-1"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource pool = context.getBean("replicaRouterReplica0DataSource", HikariDataSource.class);
				assertThat(pool.getPoolName()).isEqualTo("replica-standby-1");
				assertThat(pool.getUsername()).isEqualTo("reader");
				assertThat(pool.getPassword()).isEqualTo(REPLICA_PASSWORD);
				assertThat(context.getBean(ReplicaRoutingDataSource.class).getReplicas())
					.extracting(DataSourceNode::name)
					.containsExactly("replica-standby-1");
			});
	}

	@Test
	void configuredReplicasComeFirstAndTheNumberingGoesOn() {
		this.runner.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.withUserConfiguration(TwoReplicasConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ReplicaRoutingDataSource.class).getReplicas())
					.extracting(DataSourceNode::name)
					.containsExactly("replica-1", "replica-2", "replica-3");
				assertThat(context.getBean("replicaRouterReplica1DataSource", HikariDataSource.class).getJdbcUrl())
					.startsWith("jdbc:postgresql://127.0.0.1:3/app");
				assertThat(context.getBean("replicaRouterReplica2DataSource", HikariDataSource.class).getJdbcUrl())
					.startsWith("jdbc:postgresql://127.0.0.1:4/app");
			});
	}

	@Test
	void withoutPropertyOrConnectionDetailsTheRouterStaysOff() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ReplicaRoutingDataSource.class));
	}

	@Test
	void aConnectionDetailsBeanThatIsThePrimaryFailsNamingTheBean() {
		this.runner.withBean("replicaDetails", ReplicaConnectionDetails.class,
				() -> details("jdbc:postgresql://127.0.0.1:1/app", "reader", REPLICA_PASSWORD, null))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(InvalidReplicaRouterConfigurationException.class)
					.hasMessageContaining("ReplicaConnectionDetails bean 'replicaDetails'")
					.hasMessageContaining("same server and database as spring.datasource.url")
					.hasMessageNotContaining(REPLICA_PASSWORD);
			});
	}

	@Test
	void aConnectionDetailsBeanNamedLikeAConfiguredReplicaFails() {
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.replicas[0].name=standby-1")
			.withBean("replicaDetails", ReplicaConnectionDetails.class,
					() -> details("jdbc:postgresql://127.0.0.1:3/app", null, null, "standby-1"))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("ReplicaConnectionDetails bean 'replicaDetails'")
					.hasMessageContaining("another replica is already named 'standby-1'");
			});
	}

	@Test
	void aNonPostgresqlConnectionDetailsBeanFails() {
		this.runner.withBean("replicaDetails", ReplicaConnectionDetails.class,
				() -> details("jdbc:mysql://127.0.0.1:2/app", null, null, null))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("ReplicaConnectionDetails bean 'replicaDetails'")
					.hasMessageContaining("is not a PostgreSQL JDBC URL");
			});
	}

	@Test
	void anUnreachableReplicaOfConnectionDetailsIsReportedUnderItsBean() {
		this.runner.withPropertyValues("replica-router.fail-fast=true")
			.withBean("replicaDetails", ReplicaConnectionDetails.class,
					() -> details("jdbc:postgresql://127.0.0.1:2/app", null, REPLICA_PASSWORD, null))
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("replica-1 (jdbc:postgresql://127.0.0.1:2/app) is unreachable")
					.hasMessageContaining("Check ReplicaConnectionDetails bean 'replicaDetails'")
					.hasMessageNotContaining("replica-router.replicas[0]")
					.hasMessageNotContaining(REPLICA_PASSWORD);
			});
	}

	static ReplicaConnectionDetails details(String url, @Nullable String username, @Nullable String password,
			@Nullable String name) {
		return new ReplicaConnectionDetails() {

			@Override
			public String getJdbcUrl() {
				return url;
			}

			@Override
			public @Nullable String getUsername() {
				return username;
			}

			@Override
			public @Nullable String getPassword() {
				return password;
			}

			@Override
			public @Nullable String getName() {
				return name;
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoReplicasConfiguration {

		@Bean
		ReplicaConnectionDetails firstReplicaDetails() {
			return details("jdbc:postgresql://127.0.0.1:3/app", null, null, null);
		}

		@Bean
		ReplicaConnectionDetails secondReplicaDetails() {
			return details("jdbc:postgresql://127.0.0.1:4/app", null, null, null);
		}

	}

}
