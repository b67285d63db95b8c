package io.replicarouter.autoconfigure;

import javax.sql.DataSource;

import io.replicarouter.PrimaryRead;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The routing bean is Spring's {@link AbstractRoutingDataSource}, and its lookup key
 * follows {@code @Transactional(readOnly)} and {@link PrimaryRead}. No database is needed:
 * connections are taken lazily, and deciding the key takes none.
 */
class RoutingLookupKeyTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withUserConfiguration(TransactionalConfiguration.class)
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"spring.datasource.username=app", "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app");

	@Test
	void theRoutingBeanIsAnAbstractRoutingDataSourceWhoseTargetsAreThePrimaryPoolAndTheReplicaSet() {
		this.runner.run((context) -> {
			AbstractRoutingDataSource routing = context.getBean(DataSource.class).unwrap(AbstractRoutingDataSource.class);
			ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
			assertThat(routing).isSameAs(router);
			assertThat(routing.getResolvedDataSources()).containsOnlyKeys(NodeRole.PRIMARY, NodeRole.REPLICA);
			assertThat(routing.getResolvedDataSources().get(NodeRole.PRIMARY))
				.isSameAs(router.getPrimary().dataSource());
			assertThat(routing.getResolvedDataSources().get(NodeRole.REPLICA)).isNotNull();
		});
	}

	@Test
	void theLookupKeyFollowsTheTransactionsReadOnlyFlagAndThePrimaryReadPin() {
		this.runner.run((context) -> {
			Lookups lookups = context.getBean(Lookups.class);
			assertThat(lookups.outsideAnyTransaction()).isEqualTo(NodeRole.PRIMARY);
			assertThat(lookups.readOnly()).isEqualTo(NodeRole.REPLICA);
			assertThat(lookups.readWrite()).isEqualTo(NodeRole.PRIMARY);
			assertThat(lookups.pinnedReadOnly()).isEqualTo(NodeRole.PRIMARY);
			assertThat(lookups.readWriteCallingReadOnly()).as("joins the read-write transaction")
				.isEqualTo(NodeRole.PRIMARY);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class TransactionalConfiguration {

		@Bean
		PlatformTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		Lookups lookups(ReplicaRoutingDataSource router, ReadOnlyLookup readOnlyLookup) {
			return new Lookups(router, readOnlyLookup);
		}

		@Bean
		ReadOnlyLookup readOnlyLookup(ReplicaRoutingDataSource router) {
			return new ReadOnlyLookup(router);
		}

	}

	static class Lookups {

		private final ReplicaRoutingDataSource router;

		private final ReadOnlyLookup readOnlyLookup;

		Lookups(ReplicaRoutingDataSource router, ReadOnlyLookup readOnlyLookup) {
			this.router = router;
			this.readOnlyLookup = readOnlyLookup;
		}

		NodeRole outsideAnyTransaction() {
			return this.router.determineCurrentLookupKey();
		}

		@Transactional(readOnly = true)
		NodeRole readOnly() {
			return this.router.determineCurrentLookupKey();
		}

		@Transactional
		NodeRole readWrite() {
			return this.router.determineCurrentLookupKey();
		}

		@PrimaryRead
		@Transactional(readOnly = true)
		NodeRole pinnedReadOnly() {
			return this.router.determineCurrentLookupKey();
		}

		@Transactional
		NodeRole readWriteCallingReadOnly() {
			return this.readOnlyLookup.readOnly();
		}

	}

	static class ReadOnlyLookup {

		private final ReplicaRoutingDataSource router;

		ReadOnlyLookup(ReplicaRoutingDataSource router) {
			this.router = router;
		}

		@Transactional(readOnly = true)
		NodeRole readOnly() {
			return this.router.determineCurrentLookupKey();
		}

	}

}
