package io.replicarouter.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.NonTransactionalReads;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.routing.ReplicaSelector;
import io.replicarouter.routing.RepositoryReadRetry;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.replica.RoundRobinReplicaSelector;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ContextConsumer;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.annotation.Order;
import org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class ReplicaRouterAutoConfigurationTests {

	private static final String PRIMARY_PASSWORD = "primary-Secret-4711";

	private static final String REPLICA_PASSWORD = "replica-Secret-0815";

	private static final String REPLICA_URL = "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"spring.datasource.username=app", "spring.datasource.password=" + PRIMARY_PASSWORD);

	@Test
	void backsOffWhenNoReplicaIsConfigured() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(ReplicaRoutingDataSource.class);
			assertThat(context).getBean(DataSource.class).isInstanceOf(HikariDataSource.class);
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner
			.withPropertyValues("replica-router.enabled=false",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ReplicaRoutingDataSource.class);
				assertThat(context).getBean(DataSource.class).isInstanceOf(HikariDataSource.class);
			});
	}

	@Test
	void applicationsOwnDataSourceIsThePrimaryAndTheRouterTakesItsPlace() {
		this.runner.withUserConfiguration(UserHikariDataSourceConfiguration.class)
			.withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class,
					DataSourceTransactionManagerAutoConfiguration.class))
			.withPropertyValues(REPLICA_URL, "spring.datasource.hikari.maximum-pool-size=7")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HikariDataSource own = context.getBean("dataSource", HikariDataSource.class);
				ReplicaRoutingDataSource router = context.getBean("replicaRouterDataSource",
						ReplicaRoutingDataSource.class);
				assertThat(context.getBean(DataSource.class)).isSameAs(router);
				assertThat(context.getBeanProvider(DataSource.class).getIfUnique()).isSameAs(router);
				assertThat(context.getBean(JdbcTemplate.class).getDataSource()).isSameAs(router);
				assertThat(router.getPrimary().dataSource()).isSameAs(own);
				assertThat(context.getBean("replicaRouterPrimaryDataSource")).isSameAs(own);
				HikariDataSource replica = pool(router.getReplicas().get(0));
				assertThat(replica.getUsername()).isEqualTo("app");
				assertThat(replica.getPassword()).isEqualTo(PRIMARY_PASSWORD);
				assertThat(replica.getMaximumPoolSize()).isEqualTo(7);
				assertThat(own.getMaximumPoolSize()).isEqualTo(7);
			});
	}

	@Test
	void applicationsOwnPrimaryAnnotatedDataSourceIsThePrimaryToo() {
		this.runner.withUserConfiguration(UserPrimaryDataSourceConfiguration.class)
			.withConfiguration(AutoConfigurations.of(JdbcTemplateAutoConfiguration.class))
			.withPropertyValues(REPLICA_URL)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(context.getBean(DataSource.class)).isSameAs(router);
				assertThat(context.getBean(JdbcTemplate.class).getDataSource()).isSameAs(router);
				assertThat(router.getPrimary().dataSource()).isSameAs(context.getBean("userDataSource"));
			});
	}

	@Test
	void applicationsOwnDataSourceOfAnotherPoolIsThePrimary() {
		this.runner.withUserConfiguration(UserDataSourceConfiguration.class)
			.withPropertyValues(REPLICA_URL)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(router.getPrimary().dataSource()).isInstanceOf(SimpleDriverDataSource.class);
				assertThat(router.getPrimary().name()).isEqualTo("primary");
				assertThat(pool(router.getReplicas().get(0)).getUsername()).isEqualTo("app");
			});
	}

	@Test
	void applicationsOwnDataSourceWhoseUrlIsAReplicasFailsNamingTheBean() {
		this.runner.withUserConfiguration(UserHikariDataSourceConfiguration.class)
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:1/app")
			.run(failsWith("replica-router.replicas[0].url", "same server and database as DataSource bean 'dataSource'"));
	}

	@Test
	void applicationsOwnDataSourceNeedsNoSpringDatasourceProperties() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withUserConfiguration(UserPrimaryDataSourceConfiguration.class)
			.withPropertyValues(REPLICA_URL, "replica-router.replicas[0].username=reader")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(router.getPrimary().dataSource()).isSameAs(context.getBean("userDataSource"));
				assertThat(pool(router.getReplicas().get(0)).getUsername()).isEqualTo("reader");
				assertThat(pool(router.getReplicas().get(0)).getJdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:2/app");
			});
	}

	@Test
	void severalApplicationDataSourcesSwitchTheRouterOffWithAWarning(CapturedOutput output) {
		this.runner.withUserConfiguration(UserPrimaryDataSourceConfiguration.class, SecondDataSourceConfiguration.class)
			.withPropertyValues(REPLICA_URL)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ReplicaRoutingDataSource.class);
				assertThat(context).doesNotHaveBean(DatabaseNodes.class);
				assertThat(context.getBean(DataSource.class)).isSameAs(context.getBean("userDataSource"));
				assertThat(output).contains("replica-router is off")
					.contains("[userDataSource, secondDataSource]")
					.contains("@Bean(defaultCandidate = false)");
			});
	}

	@Test
	void additionalDataSourcesThatAreNotDefaultCandidatesLeaveTheOneThatIsToBeRouted() {
		this.runner
			.withUserConfiguration(UserPrimaryDataSourceConfiguration.class,
					SecondNonDefaultDataSourceConfiguration.class)
			.withPropertyValues(REPLICA_URL)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(router.getPrimary().dataSource()).isSameAs(context.getBean("userDataSource"));
				assertThat(context.getBean(DataSource.class)).isSameAs(router);
			});
	}

	@Test
	void applicationsOwnDataSourceIsLeftAloneWhenDisabledOrWithoutReplicas() {
		for (String[] properties : new String[][] { { "replica-router.enabled=false", REPLICA_URL }, {} }) {
			this.runner.withUserConfiguration(UserHikariDataSourceConfiguration.class)
				.withPropertyValues(properties)
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context).doesNotHaveBean(ReplicaRoutingDataSource.class);
					assertThat(context).doesNotHaveBean(NodePools.class);
					assertThat(context.getBean(DataSource.class)).isSameAs(context.getBean("dataSource"));
					assertThat(context.getBeanFactory().getBeanDefinition("dataSource").isAutowireCandidate())
						.isTrue();
				});
		}
	}

	@Test
	void poolsAreBeansThatAreNotDefaultCandidates() {
		this.runner
			.withPropertyValues(REPLICA_URL, "replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:3/app",
					"replica-router.replicas[1].name=west")
			.run((context) -> {
				DatabaseNodes nodes = context.getBean(DatabaseNodes.class);
				assertThat(context.getBean("replicaRouterPrimaryDataSource")).isSameAs(nodes.primary().dataSource());
				assertThat(context.getBean("replicaRouterReplica0DataSource"))
					.isSameAs(nodes.replicas().get(0).dataSource());
				assertThat(context.getBean("replicaRouterReplica1DataSource"))
					.isSameAs(nodes.replicas().get(1).dataSource());
				assertThat(nodes.replicas()).extracting(DataSourceNode::name).containsExactly("replica-1", "replica-west");
				for (String name : new String[] { "replicaRouterPrimaryDataSource", "replicaRouterReplica0DataSource",
						"replicaRouterReplica1DataSource" }) {
					assertThat(((AbstractBeanDefinition) context.getBeanFactory().getBeanDefinition(name))
						.isDefaultCandidate()).as(name).isFalse();
				}
				assertThat(context.getBeanProvider(DataSource.class).getIfUnique())
					.isSameAs(context.getBean("dataSource", DataSource.class));
			});
	}

	@Test
	void poolCustomizersRunInOrderOnEveryPoolBeforeItStarts() {
		this.runner.withUserConfiguration(RecordingCustomizersConfiguration.class)
			.withPropertyValues(REPLICA_URL, "replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:3/app")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				context.getBean(DatabaseNodes.class);
				assertThat(context.getBean(RecordingCustomizersConfiguration.class).calls).containsExactly(
						"first primary PRIMARY", "ordered primary PRIMARY", "last primary PRIMARY",
						"first replica-1 REPLICA", "ordered replica-1 REPLICA", "last replica-1 REPLICA",
						"first replica-2 REPLICA", "ordered replica-2 REPLICA", "last replica-2 REPLICA");
			});
	}

	@Test
	void routesWhenOneReplicaUrlIsSet() {
		this.runner.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(context.getBeanProvider(DataSource.class).getIfUnique()).isSameAs(router);
				assertThat(context.getBean(DataSource.class)).isSameAs(router);
				assertThat(router.getPrimary().name()).isEqualTo("primary");
				assertThat(router.getReplicas()).extracting(DataSourceNode::name).containsExactly("replica-1");
				assertThat(context).hasSingleBean(RoundRobinReplicaSelector.class);
				assertThat(context).hasSingleBean(ReplicaHealthMonitor.class);
				assertThat(context.getBean(ReplicaHealthMonitor.class).isRunning()).isTrue();
				assertThat(context).hasBean("readOnlyTransactionRetryAdvisor");
				assertThat(context).hasBean("primaryReadAdvisor");
				assertThat(context).getBean("primaryReadAdvisor").isInstanceOf(DefaultPointcutAdvisor.class);
			});
	}

	@Test
	void primaryPoolIsBuiltFromBootsOwnProperties() {
		this.runner
			.withPropertyValues("spring.datasource.hikari.maximum-pool-size=7",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				HikariDataSource primary = pool(context.getBean(ReplicaRoutingDataSource.class).getPrimary());
				assertThat(primary.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:1/app");
				assertThat(primary.getUsername()).isEqualTo("app");
				assertThat(primary.getPassword()).isEqualTo(PRIMARY_PASSWORD);
				assertThat(primary.getMaximumPoolSize()).isEqualTo(7);
				assertThat(primary.getPoolName()).isEqualTo("primary");
				assertThat(primary.isReadOnly()).isFalse();
			});
	}

	@Test
	void primaryPoolKeepsAnExplicitPoolName() {
		this.runner
			.withPropertyValues("spring.datasource.hikari.pool-name=main",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(router.getPrimary().name()).isEqualTo("main");
				assertThat(pool(router.getReplicas().get(0)).getPoolName()).isEqualTo("replica-1");
			});
	}

	@Test
	void replicasInheritCredentialsAndPoolSettingsFromThePrimary() {
		this.runner
			.withPropertyValues("spring.datasource.hikari.maximum-pool-size=7",
					"spring.datasource.hikari.connection-timeout=1500",
					"spring.datasource.hikari.data-source-properties.sslmode=require",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				HikariDataSource replica = pool(context.getBean(ReplicaRoutingDataSource.class).getReplicas().get(0));
				assertThat(replica.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:2/app");
				assertThat(replica.getUsername()).isEqualTo("app");
				assertThat(replica.getPassword()).isEqualTo(PRIMARY_PASSWORD);
				assertThat(replica.getDriverClassName()).isEqualTo("org.postgresql.Driver");
				assertThat(replica.getMaximumPoolSize()).isEqualTo(7);
				assertThat(replica.getConnectionTimeout()).isEqualTo(1500);
				assertThat(replica.getDataSourceProperties()).containsEntry("sslmode", "require");
				assertThat(replica.isReadOnly()).isTrue();
			});
	}

	@Test
	void replicaSettingsOverrideInheritedOnes() {
		this.runner
			.withPropertyValues("spring.datasource.hikari.maximum-pool-size=7",
					"spring.datasource.hikari.minimum-idle=2",
					"replica-router.replicas[0].name=eu",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:5/app",
					"replica-router.replicas[0].username=reader",
					"replica-router.replicas[0].password=" + REPLICA_PASSWORD,
					"replica-router.replicas[0].weight=3",
					"replica-router.replicas[0].hikari.maximum-pool-size=20",
					"replica-router.replicas[0].hikari.data-source-properties.application-name=reports",
					"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:6/app")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				DataSourceNode eu = router.getReplicas().get(0);
				assertThat(eu.name()).isEqualTo("replica-eu");
				assertThat(eu.weight()).isEqualTo(3);
				HikariDataSource euPool = pool(eu);
				assertThat(euPool.getPoolName()).isEqualTo("replica-eu");
				assertThat(euPool.getUsername()).isEqualTo("reader");
				assertThat(euPool.getPassword()).isEqualTo(REPLICA_PASSWORD);
				assertThat(euPool.getMaximumPoolSize()).isEqualTo(20);
				assertThat(euPool.getMinimumIdle()).isEqualTo(2);
				assertThat(euPool.getDataSourceProperties()).containsEntry("application-name", "reports");
				HikariDataSource usPool = pool(router.getReplicas().get(1));
				assertThat(usPool.getPoolName()).isEqualTo("replica-2");
				assertThat(usPool.getUsername()).isEqualTo("app");
				assertThat(usPool.getMaximumPoolSize()).isEqualTo(7);
				assertThat(router.getPrimary().dataSource()).isNotSameAs(euPool);
			});
	}

	@Test
	void poolsUseServerSidePreparedStatementsUnlessPgBouncerIsEnabled() {
		this.runner.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(pool(router.getPrimary()).getDataSourceProperties()).doesNotContainKey("prepareThreshold");
				assertThat(pool(router.getReplicas().get(0)).getDataSourceProperties())
					.doesNotContainKey("prepareThreshold");
			});
	}

	@Test
	void pgBouncerModeTurnsServerSidePreparedStatementsOffOnEveryPool() {
		this.runner
			.withPropertyValues("replica-router.pgbouncer.enabled=true",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:3/app")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(pool(router.getPrimary()).getDataSourceProperties()).containsEntry("prepareThreshold", "0");
				for (DataSourceNode replica : router.getReplicas()) {
					assertThat(pool(replica).getDataSourceProperties()).containsEntry("prepareThreshold", "0");
				}
			});
	}

	@Test
	void pgBouncerModeKeepsAPrepareThresholdTheUserSet() {
		this.runner
			.withPropertyValues("replica-router.pgbouncer.enabled=true",
					"spring.datasource.hikari.data-source-properties.prepareThreshold=-1",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app?prepareThreshold=5")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(pool(router.getPrimary()).getDataSourceProperties()).containsEntry("prepareThreshold", "-1");
				assertThat(pool(router.getReplicas().get(0)).getDataSourceProperties())
					.containsEntry("prepareThreshold", "-1");
			});
	}

	@Test
	void pgBouncerModeKeepsAPrepareThresholdSetInTheUrl() {
		this.runner
			.withPropertyValues("replica-router.pgbouncer.enabled=true",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app?sslmode=disable&prepareThreshold=5",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(pool(router.getPrimary()).getDataSourceProperties()).doesNotContainKey("prepareThreshold");
				assertThat(pool(router.getReplicas().get(0)).getDataSourceProperties())
					.containsEntry("prepareThreshold", "0");
			});
	}

	@Test
	void nonTransactionalReadsDefaultToThePrimaryAndCanBeSentToReplicas() {
		this.runner.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> assertThat(context.getBean(ReplicaRouterProperties.class).getNonTransactionalReads())
				.isEqualTo(NonTransactionalReads.PRIMARY));
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.non-transactional-reads=replica")
			.run((context) -> assertThat(context.getBean(ReplicaRouterProperties.class).getNonTransactionalReads())
				.isEqualTo(NonTransactionalReads.REPLICA));
	}

	@Test
	void unwrapReachesThePrimaryPoolSoBootsPoolMetricsSeeIt() throws Exception {
		this.runner.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(router.unwrap(HikariDataSource.class)).isSameAs(router.getPrimary().dataSource());
				assertThat(router.unwrap(ReplicaRoutingDataSource.class)).isSameAs(router);
			});
	}

	@Test
	void userDefinedReplicaSelectorIsUsed() {
		this.runner.withUserConfiguration(UserSelectorConfiguration.class)
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				assertThat(context).hasSingleBean(ReplicaSelector.class);
				assertThat(context).doesNotHaveBean(RoundRobinReplicaSelector.class);
			});
	}

	@Test
	void flywayMigratesThroughThePrimaryPool() {
		this.runner.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				var configuration = Flyway.configure().dataSource(router);
				context.getBean(FlywayConfigurationCustomizer.class).customize(configuration);
				assertThat(configuration.getDataSource()).isSameAs(router.getPrimary().dataSource());
			});
	}

	@Test
	void flywayCustomizerIsAbsentWithoutFlyway() {
		this.runner.withClassLoader(new FilteredClassLoader(Flyway.class))
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> assertThat(context).doesNotHaveBean("replicaRouterFlywayConfigurationCustomizer"));
	}

	@Test
	void springDataRepositoriesGetTheRetryToo() {
		this.runner.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> assertThat(context).hasSingleBean(RepositoryReadRetry.class));
	}

	@Test
	void repositoryRetryIsAbsentWithoutSpringData() {
		this.runner.withClassLoader(new FilteredClassLoader(RepositoryFactoryBeanSupport.class))
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RepositoryReadRetry.class);
			});
	}

	@Test
	void sqlInitScriptsRunOnThePrimaryPoolNotThroughTheRouter() {
		this.runner.withConfiguration(AutoConfigurations.of(DataSourceInitializationAutoConfiguration.class))
			.withPropertyValues("spring.sql.init.mode=always",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app")
			.run((context) -> {
				assertThat(context).hasSingleBean(ApplicationScriptDatabaseInitializer.class);
				Object initializer = context.getBean(ApplicationScriptDatabaseInitializer.class);
				DataSourceNode primary = context.getBean(ReplicaRoutingDataSource.class).getPrimary();
				assertThat(ReflectionTestUtils.getField(initializer, "dataSource")).isSameAs(primary.dataSource());
			});
	}

	@Test
	void missingReplicaUrlFailsNamingTheProperty() {
		this.runner.withPropertyValues("replica-router.replicas[0].name=eu")
			.run(failsWith("replica-router.replicas[0].url", "it is not set"));
	}

	@Test
	void nonPostgresqlReplicaUrlFailsNamingTheProperty() {
		this.runner.withPropertyValues("replica-router.replicas[0].url=jdbc:mysql://127.0.0.1:7/app")
			.run(failsWith("replica-router.replicas[0].url", "is not a PostgreSQL JDBC URL"));
	}

	@Test
	void replicaUrlThatIsThePrimaryFailsNamingTheProperty() {
		this.runner.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:1/app")
			.run(failsWith("replica-router.replicas[0].url", "same server and database as spring.datasource.url"));
	}

	@Test
	void duplicateReplicaNamesFailNamingTheProperty() {
		this.runner
			.withPropertyValues("replica-router.replicas[0].name=a",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:3/app",
					"replica-router.replicas[1].name=a",
					"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:4/app")
			.run(failsWith("replica-router.replicas[1].name", "already named 'a'"));
	}

	@Test
	void nonPositiveWeightFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:3/app",
					"replica-router.replicas[0].weight=0")
			.run(failsWith("replica-router.replicas[0].weight", "must be at least 1"));
	}

	@Test
	void unknownHikariOverrideFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:3/app",
					"replica-router.replicas[0].hikari.maximum-pool-sise=3")
			.run(failsWith("replica-router.replicas[0].hikari", "maximum-pool-sise"));
	}

	@Test
	void missingPrimaryUrlFailsNamingTheProperty() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:3/app")
			.run(failsWith("spring.datasource.url", "it is not set"));
	}

	@Test
	void nonPostgresqlPrimaryFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:test",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:3/app")
			.run(failsWith("spring.datasource.url", "needs a PostgreSQL primary"));
	}

	@Test
	void failureMessagesAndToStringNeverShowPasswords() {
		String urlWithPassword = "jdbc:postgresql://127.0.0.1:1/app?user=app&password=" + PRIMARY_PASSWORD;
		this.runner
			.withPropertyValues("spring.datasource.url=" + urlWithPassword,
					"replica-router.replicas[0].url=jdbc:mysql://127.0.0.1:3/app?password=" + REPLICA_PASSWORD)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(allMessages(context.getStartupFailure())).doesNotContain(PRIMARY_PASSWORD)
					.doesNotContain(REPLICA_PASSWORD);
			});
		this.runner
			.withPropertyValues("spring.datasource.url=" + urlWithPassword,
					"replica-router.replicas[0].password=" + REPLICA_PASSWORD,
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:3/app?password=" + REPLICA_PASSWORD)
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(router.toString()).contains("password=******")
					.doesNotContain(PRIMARY_PASSWORD)
					.doesNotContain(REPLICA_PASSWORD);
				assertThat(context.getBean(ReplicaRouterProperties.class).getReplicas().get(0).toString())
					.doesNotContain(REPLICA_PASSWORD);
			});
	}

	@Test
	void failureAnalyzerNamesThePropertyAndTheFix() {
		this.runner.withPropertyValues("replica-router.replicas[0].name=eu").run((context) -> {
			FailureAnalysis analysis = new InvalidReplicaRouterConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis).isNotNull();
			assertThat(analysis.getDescription()).contains("replica-router.replicas[0].url");
			assertThat(analysis.getAction()).contains("jdbc:postgresql://");
		});
	}

	@Test
	void balancingStrategyChoosesTheSelector() {
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.balancing=weighted")
			.run((context) -> assertThat(context).getBean(ReplicaSelector.class)
				.isInstanceOf(io.replicarouter.replica.WeightedReplicaSelector.class));
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.balancing=least-connections")
			.run((context) -> assertThat(context).getBean(ReplicaSelector.class)
				.isInstanceOf(io.replicarouter.replica.LeastConnectionsReplicaSelector.class));
	}

	@Test
	void replicaPoolsGetShortTimeoutsUnlessTheUserSetsTheirOwn() {
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:3/app",
					"replica-router.replicas[1].hikari.connection-timeout=7000",
					"replica-router.replicas[1].hikari.data-source-properties.socketTimeout=60")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				HikariDataSource defaults = pool(router.getReplicas().get(0));
				assertThat(defaults.getConnectionTimeout()).isEqualTo(2000);
				assertThat(defaults.getDataSourceProperties()).containsEntry("connectTimeout", "2")
					.containsEntry("socketTimeout", "15");
				HikariDataSource own = pool(router.getReplicas().get(1));
				assertThat(own.getConnectionTimeout()).isEqualTo(7000);
				assertThat(own.getDataSourceProperties()).containsEntry("socketTimeout", "60")
					.containsEntry("connectTimeout", "2");
				assertThat(pool(router.getPrimary()).getConnectionTimeout()).as("the primary keeps Boot's defaults")
					.isEqualTo(30000);
			});
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.timeouts.socket=30s", "spring.datasource.hikari.connection-timeout=4000")
			.run((context) -> {
				HikariDataSource replica = pool(context.getBean(ReplicaRoutingDataSource.class).getReplicas().get(0));
				assertThat(replica.getDataSourceProperties()).containsEntry("socketTimeout", "30");
				assertThat(replica.getConnectionTimeout()).isEqualTo(4000);
			});
	}

	@Test
	void replicaConnectionsGetAServerSideStatementTimeoutUnlessTheUserSetsTheirOwn() {
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:3/app",
					"replica-router.replicas[1].timeouts.statement=60s",
					"replica-router.replicas[2].url=jdbc:postgresql://127.0.0.1:4/app",
					"replica-router.replicas[2].hikari.data-source-properties.options=-c search_path=app",
					"replica-router.replicas[3].url=jdbc:postgresql://127.0.0.1:5/app",
					"replica-router.replicas[3].hikari.data-source-properties.options=-c statement_timeout=0",
					"replica-router.replicas[4].url=jdbc:postgresql://127.0.0.1:6/app",
					"replica-router.replicas[4].timeouts.statement=0")
			.run((context) -> {
				List<DataSourceNode> replicas = context.getBean(ReplicaRoutingDataSource.class).getReplicas();
				assertThat(pool(replicas.get(0)).getDataSourceProperties())
					.containsEntry("options", "-c statement_timeout=10000")
					.containsEntry("socketTimeout", "15");
				assertThat(pool(replicas.get(1)).getDataSourceProperties())
					.containsEntry("options", "-c statement_timeout=60000")
					.as("the socket timeout stays above the statement timeout")
					.containsEntry("socketTimeout", "65");
				assertThat(pool(replicas.get(2)).getDataSourceProperties()).as("the user's options keep theirs")
					.containsEntry("options", "-c search_path=app -c statement_timeout=10000");
				assertThat(pool(replicas.get(3)).getDataSourceProperties()).as("the user's timeout wins")
					.containsEntry("options", "-c statement_timeout=0");
				assertThat(pool(replicas.get(4)).getDataSourceProperties()).doesNotContainKey("options");
				assertThat(pool(context.getBean(ReplicaRoutingDataSource.class).getPrimary()).getDataSourceProperties())
					.as("the primary keeps Boot's defaults")
					.doesNotContainKey("options");
			});
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.pgbouncer.enabled=true")
			.run((context) -> assertThat(
					pool(context.getBean(ReplicaRoutingDataSource.class).getReplicas().get(0)).getDataSourceProperties())
				.as("PgBouncer rejects options it does not track")
				.doesNotContainKey("options"));
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.timeouts.statement=-1s")
			.run(failsWith("replica-router.timeouts.statement", "must not be negative"));
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.health.failure-threshold=0")
			.run(failsWith("replica-router.health.failure-threshold", "must be at least 1"));
	}

	@Test
	void zeroOrNegativeDurationsFailNamingTheProperty() {
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.health.probe-interval=0s")
			.run(failsWith("replica-router.health.probe-interval", "must be longer than zero"));
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.max-lag=-1s")
			.run(failsWith("replica-router.max-lag", "must be longer than zero"));
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.health.max-backoff=100ms")
			.run(failsWith("replica-router.health.max-backoff", "must be at least"));
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.retry.max-attempts=0")
			.run(failsWith("replica-router.retry.max-attempts", "must be at least 1"));
	}

	@Test
	void unknownStrategyFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.balancing=fastest")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(allMessages(context.getStartupFailure())).contains("replica-router.balancing");
			});
	}

	private static ContextConsumer<AssertableApplicationContext> failsWith(String property, String problem) {
		return (context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidReplicaRouterConfigurationException.class)
				.hasMessageContaining("'" + property + "'")
				.hasMessageContaining(problem);
		};
	}

	private static String allMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			messages.append(ex).append('\n');
		}
		return messages.toString();
	}

	private static HikariDataSource pool(DataSourceNode node) {
		return (HikariDataSource) node.dataSource();
	}

	@Configuration(proxyBeanMethods = false)
	static class PoolCustomizersConfiguration {

		@Bean
		@Order(2)
		ReplicaRouterPoolCustomizer leakDetectionLater() {
			return (name, role, pool) -> pool.setLeakDetectionThreshold(30_000);
		}

		@Bean
		@Order(1)
		ReplicaRouterPoolCustomizer initSqlAndLeakDetectionFirst() {
			return (name, role, pool) -> {
				pool.setConnectionInitSql("set application_name = '" + role.name().toLowerCase() + "-" + name + "'");
				pool.setLeakDetectionThreshold(10_000);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserDataSourceConfiguration {

		@Bean
		DataSource userDataSource() {
			SimpleDriverDataSource dataSource = new SimpleDriverDataSource();
			dataSource.setUrl("jdbc:postgresql://127.0.0.1:1/app");
			return dataSource;
		}

	}

	/**
	 * As Boot's how-to "Configure a Custom DataSource" writes it, binding
	 * {@code spring.datasource.hikari.*} with a Binder instead of
	 * {@code @ConfigurationProperties}: on a test class, the latter would make the
	 * configuration processor write test metadata that hides the starter's.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(DataSourceProperties.class)
	static class UserHikariDataSourceConfiguration {

		@Bean
		HikariDataSource dataSource(DataSourceProperties properties, Environment environment) {
			HikariDataSource dataSource = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
			Binder.get(environment).bind("spring.datasource.hikari", Bindable.ofInstance(dataSource));
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserPrimaryDataSourceConfiguration {

		@Bean
		@Primary
		HikariDataSource userDataSource() {
			return DataSourceBuilder.create()
				.type(HikariDataSource.class)
				.url("jdbc:postgresql://127.0.0.1:1/app")
				.username("app")
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class SecondDataSourceConfiguration {

		@Bean
		HikariDataSource secondDataSource() {
			return reportsDataSource();
		}

		static HikariDataSource reportsDataSource() {
			return DataSourceBuilder.create()
				.type(HikariDataSource.class)
				.url("jdbc:postgresql://127.0.0.1:9/reports")
				.build();
		}

	}

	/**
	 * As Boot's how-to "Configure Two DataSources" declares the second one.
	 */
	@Configuration(proxyBeanMethods = false)
	static class SecondNonDefaultDataSourceConfiguration {

		@Bean(defaultCandidate = false)
		@Qualifier("second")
		HikariDataSource secondDataSource() {
			return SecondDataSourceConfiguration.reportsDataSource();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RecordingCustomizersConfiguration {

		final List<String> calls = new CopyOnWriteArrayList<>();

		@Bean
		@Order(10)
		ReplicaRouterPoolCustomizer last() {
			return (name, role, pool) -> record("last", name, role, pool);
		}

		@Bean
		ReplicaRouterPoolCustomizer ordered() {
			return new OrderedCustomizer(this);
		}

		@Bean
		@Order(-10)
		ReplicaRouterPoolCustomizer first() {
			return (name, role, pool) -> record("first", name, role, pool);
		}

		void record(String customizer, String name, NodeRole role, HikariDataSource pool) {
			assertThat(pool.isRunning()).as("started before " + customizer + " customized it").isFalse();
			this.calls.add(customizer + " " + name + " " + role);
		}

	}

	record OrderedCustomizer(RecordingCustomizersConfiguration recorder) implements ReplicaRouterPoolCustomizer, Ordered {

		@Override
		public void customize(String name, NodeRole role, HikariDataSource pool) {
			this.recorder.record("ordered", name, role, pool);
		}

		@Override
		public int getOrder() {
			return 0;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSelectorConfiguration {

		@Bean
		ReplicaSelector firstReplicaSelector() {
			return (candidates) -> candidates.get(0);
		}

	}

}
