package io.replicarouter.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.autoconfigure.ReplicaRouterProperties.Replica;
import io.replicarouter.consistency.ConsistencyMode;
import io.replicarouter.consistency.ScopedConsistencyGuard;
import io.replicarouter.jdbc.DriverLogMasking;
import io.replicarouter.jdbc.StatementTimeouts;
import io.replicarouter.jdbc.TransportSecurity;
import io.replicarouter.pgbouncer.PgBouncerPoolsMonitor;
import io.replicarouter.replica.HealthThresholds;
import io.replicarouter.replica.PoolSaturationMonitor;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.replica.ReplicaHealthMonitor.MonitorSettings;
import io.replicarouter.routing.ConsistencyGuard;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.PrimaryReadInterceptor;
import io.replicarouter.routing.PrimaryReadPointcut;
import io.replicarouter.routing.ReadOnlyTransactionPointcut;
import io.replicarouter.routing.ReadOnlyTransactionRetryInterceptor;
import io.replicarouter.routing.ReplicaCandidate;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.routing.ReplicaSelector;
import io.replicarouter.routing.RepositoryReadRetry;
import io.replicarouter.routing.RoutingStatistics;
import io.replicarouter.routing.RoutingTopology;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionAttributeSource;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Replaces Boot's {@link DataSource} with a {@link ReplicaRoutingDataSource} over a pool
 * for the primary ({@code spring.datasource.*}) and one for each replica
 * ({@code replica-router.replicas[*]}).
 * <p>
 * Backs off when no replica is configured, when {@code replica-router.enabled=false}, or
 * when the application defines its own {@link DataSource}: the application then behaves
 * exactly like plain Boot.
 */
@AutoConfiguration(before = { DataSourceAutoConfiguration.class, DataSourceInitializationAutoConfiguration.class })
@ConditionalOnClass({ DataSource.class, HikariDataSource.class, JdbcConnectionDetails.class })
@ConditionalOnBooleanProperty(name = "replica-router.enabled", matchIfMissing = true)
@Conditional(OnReplicasConfiguredCondition.class)
@ConditionalOnMissingBean(DataSource.class)
@EnableConfigurationProperties({ ReplicaRouterProperties.class, ReplicaHealthProperties.class,
		ConsistencyProperties.class, DataSourceProperties.class, PgBouncerProperties.class })
@Import(MigrationsOnPrimaryConfiguration.class)
public final class ReplicaRouterAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DatabaseNodes replicaRouterNodes(ReplicaRouterProperties properties, ReplicaHealthProperties healthProperties,
			DataSourceProperties dataSourceProperties, ObjectProvider<JdbcConnectionDetails> connectionDetails,
			PgBouncerProperties pgBouncer, ObjectProvider<ReplicaRouterPoolCustomizer> customizers,
			Environment environment) {
		DriverLogMasking.install();
		ConfigurationProblems problems = new ConfigurationProblems();
		SettingsValidator.validate(properties, healthProperties, problems);
		NodePoolFactory factory = new NodePoolFactory(Binder.get(environment));
		JdbcConnectionDetails primaryDetails = connectionDetails
			.getIfAvailable(() -> new DataSourcePropertiesConnectionDetails(dataSourceProperties));
		String primaryUrl;
		try {
			primaryUrl = primaryDetails.getJdbcUrl();
		}
		catch (InvalidReplicaRouterConfigurationException ex) {
			problems.add(ex);
			problems.throwIfAny();
			throw ex;
		}
		factory.validate(properties, primaryUrl, problems);
		problems.throwIfAny();
		HikariDataSource primaryPool = factory.createPrimary(primaryDetails, dataSourceProperties.getName());
		if (pgBouncer.isEnabled()) {
			NodePoolFactory.disableServerPreparedStatements(primaryPool);
		}
		customize(customizers, primaryPool.getPoolName(), NodeRole.PRIMARY, primaryPool);
		DataSourceNode primary = new DataSourceNode(primaryPool.getPoolName(), NodeRole.PRIMARY, primaryPool,
				primaryPool.getJdbcUrl(), 1);
		List<DataSourceNode> replicas = new ArrayList<>();
		for (int index = 0; index < properties.getReplicas().size(); index++) {
			Replica replica = properties.getReplicas().get(index);
			HikariDataSource pool = factory.createReplica(index, replica, primaryPool, properties.getTimeouts());
			if (pgBouncer.isEnabled()) {
				NodePoolFactory.disableServerPreparedStatements(pool);
			}
			StatementTimeouts.reconcile(pool, NodePoolFactory.statementTimeout(replica, properties.getTimeouts()),
					pgBouncer.isEnabled(), ReplicaRouterProperties.PREFIX + ".timeouts.statement");
			String name = NodePoolFactory.nodeName(replica, index);
			customize(customizers, name, NodeRole.REPLICA, pool);
			replicas.add(new DataSourceNode(name, NodeRole.REPLICA, pool, pool.getJdbcUrl(), replica.getWeight()));
		}
		TransportSecurity.warnIfWeak("spring.datasource.url", primaryPool.getJdbcUrl(),
				primaryPool.getDataSourceProperties());
		for (int index = 0; index < replicas.size(); index++) {
			HikariDataSource pool = (HikariDataSource) replicas.get(index).dataSource();
			TransportSecurity.warnIfWeak(ReplicaRouterProperties.PREFIX + ".replicas[" + index + "].url",
					pool.getJdbcUrl(), pool.getDataSourceProperties());
		}
		return new DatabaseNodes(primary, replicas);
	}

	private static void customize(ObjectProvider<ReplicaRouterPoolCustomizer> customizers, String name, NodeRole role,
			HikariDataSource pool) {
		customizers.orderedStream().forEach((customizer) -> customizer.customize(name, role, pool));
	}

	@Bean
	@ConditionalOnMissingBean
	StartupNodeCheck replicaRouterStartupNodeCheck(ReplicaHealthMonitor monitor, ReplicaRouterProperties properties) {
		return new StartupNodeCheck(monitor, properties.isFailFast());
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaHealthMonitor replicaHealthMonitor(DatabaseNodes nodes, ReplicaRouterProperties properties,
			ReplicaHealthProperties healthProperties) {
		DataSize maxLagBytes = properties.getMaxLagBytes();
		HealthThresholds thresholds = new HealthThresholds(properties.getMaxLag(),
				(maxLagBytes != null) ? maxLagBytes.toBytes() : 0);
		return new ReplicaHealthMonitor(nodes, new MonitorSettings(healthProperties.getProbeInterval(),
				healthProperties.getProbeTimeout(), healthProperties.getMaxBackoff(), thresholds,
				healthProperties.getFailureThreshold(), healthProperties.getMinInRotation()));
	}

	@Bean
	@ConditionalOnMissingBean
	PoolSaturationMonitor replicaRouterPoolSaturationMonitor(DatabaseNodes nodes,
			ReplicaHealthProperties healthProperties) {
		return new PoolSaturationMonitor(nodes, healthProperties.getPoolUsageThreshold(),
				healthProperties.getPoolSaturationPeriod(), healthProperties.getProbeInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = PgBouncerProperties.PREFIX + ".admin", name = "username")
	PgBouncerPoolsMonitor replicaRouterPgBouncerPoolsMonitor(DatabaseNodes nodes, PgBouncerProperties pgBouncer) {
		SettingsValidator.validate(pgBouncer);
		PgBouncerProperties.Admin admin = pgBouncer.getAdmin();
		return new PgBouncerPoolsMonitor(nodes, admin.getUsername(), admin.getPassword(), admin.getPollInterval(),
				admin.getTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaSelector replicaSelector(ReplicaRouterProperties properties) {
		return properties.getBalancing().createSelector();
	}

	@Bean
	@ConditionalOnMissingBean
	ConsistencyGuard replicaRouterConsistencyGuard(ConsistencyProperties consistency,
			ReplicaRouterProperties properties, ReplicaHealthProperties health) {
		SettingsValidator.validate(consistency);
		if (consistency.getMode() == ConsistencyMode.NONE) {
			return ConsistencyGuard.NONE;
		}
		// After max-lag (plus the probes' granularity) every replica in rotation has replayed
		// a write, so its token stops mattering.
		Duration tokenLifetime = properties.getMaxLag().plus(health.getProbeInterval().multipliedBy(2)).plusSeconds(1);
		return new ScopedConsistencyGuard(consistency.getMode(), consistency.getMaxWait(),
				consistency.getStickyWindow(), tokenLifetime, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	RoutingStatistics replicaRouterStatistics(DatabaseNodes nodes) {
		return new RoutingStatistics(nodes);
	}

	/**
	 * The routing data source. Other beans reach the router's parts (nodes, statistics)
	 * as beans of their own, never through this bean's type: DataSource wrappers (Boot's
	 * {@code spring.datasource.connection-fetch=lazy}, datasource-proxy, tracing) replace
	 * this bean with a proxy.
	 */
	@Bean
	ReplicaRoutingDataSource dataSource(DatabaseNodes nodes, RoutingTopology topology, ReplicaSelector selector,
			ConsistencyGuard consistency, ReplicaRouterProperties properties, RoutingStatistics statistics) {
		boolean autoCommit = !(nodes.primary().dataSource() instanceof HikariDataSource primary)
				|| primary.isAutoCommit();
		ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(nodes, topology, selector,
				properties.getFallback(), properties.getNonTransactionalReads(), autoCommit, consistency, statistics);
		if (topology instanceof ReplicaHealthMonitor monitor) {
			// Read-only statements waiting on a node that stopped answering fail now, not
			// after the socket timeout, and their transactions run again elsewhere.
			monitor.onNodeStoppedAnswering((node) -> router.abortConnectionsInUse(node, Runnable::run));
		}
		return router;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "primaryReadAdvisor")
	static DefaultPointcutAdvisor primaryReadAdvisor() {
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(new PrimaryReadPointcut(),
				new PrimaryReadInterceptor());
		// Outside the transaction interceptor, so the pin is in place before the transaction
		// starts; with lazy connections either order would route correctly.
		advisor.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
		return advisor;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "readOnlyTransactionRetryAdvisor")
	static DefaultPointcutAdvisor readOnlyTransactionRetryAdvisor(ObjectProvider<RoutingTopology> topology,
			ObjectProvider<RoutingStatistics> statistics, Environment environment) {
		AnnotationTransactionAttributeSource attributes = new AnnotationTransactionAttributeSource(false);
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(new ReadOnlyTransactionPointcut(attributes),
				retryInterceptor(attributes, topology, statistics, environment));
		// Outside the transaction interceptor: each attempt must be a new transaction.
		advisor.setOrder(Ordered.HIGHEST_PRECEDENCE + 50);
		return advisor;
	}

	private static ReadOnlyTransactionRetryInterceptor retryInterceptor(TransactionAttributeSource attributes,
			ObjectProvider<RoutingTopology> topology, ObjectProvider<RoutingStatistics> statistics,
			Environment environment) {
		int maxAttempts = Binder.get(environment)
			.bind(ReplicaRouterProperties.PREFIX + ".retry.max-attempts", Integer.class)
			.orElse(new ReplicaRouterProperties.Retry().getMaxAttempts());
		return new ReadOnlyTransactionRetryInterceptor(attributes, new LazyTopology(topology), maxAttempts,
				() -> statistics.getObject().recordTransactionRetry());
	}

	/**
	 * Retries for Spring Data repositories, whose proxies the advisor above never reaches.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RepositoryFactoryBeanSupport.class)
	static class RepositoryRetryConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		@ConditionalOnMissingBean(name = "replicaRouterRepositoryReadRetry")
		static RepositoryReadRetry replicaRouterRepositoryReadRetry(ObjectProvider<RoutingTopology> topology,
				ObjectProvider<RoutingStatistics> statistics, Environment environment) {
			return new RepositoryReadRetry(
					(attributes) -> retryInterceptor(attributes, topology, statistics, environment));
		}

	}

	/**
	 * Resolves the topology on first use: advisors are created before ordinary beans, and
	 * must not pull the pools and the monitor in that early.
	 */
	private static final class LazyTopology implements RoutingTopology {

		private final ObjectProvider<RoutingTopology> provider;

		private LazyTopology(ObjectProvider<RoutingTopology> provider) {
			this.provider = provider;
		}

		@Override
		public List<ReplicaCandidate> eligibleReplicas() {
			return this.provider.getObject().eligibleReplicas();
		}

		@Override
		public @Nullable String primaryUnavailableReason() {
			return this.provider.getObject().primaryUnavailableReason();
		}

		@Override
		public String describeIneligibleReplicas() {
			return this.provider.getObject().describeIneligibleReplicas();
		}

		@Override
		public void reportFailure(DataSourceNode node, Throwable failure) {
			this.provider.getObject().reportFailure(node, failure);
		}

	}

	/**
	 * {@link JdbcConnectionDetails} read from {@code spring.datasource.*}, used when no
	 * other source (such as a Testcontainers service connection) provides them.
	 */
	static final class DataSourcePropertiesConnectionDetails implements JdbcConnectionDetails {

		private final DataSourceProperties properties;

		DataSourcePropertiesConnectionDetails(DataSourceProperties properties) {
			this.properties = properties;
		}

		@Override
		public String getJdbcUrl() {
			if (!StringUtils.hasText(this.properties.getUrl())) {
				throw new InvalidReplicaRouterConfigurationException("spring.datasource.url", "it is not set",
						"Set it to the primary's JDBC URL, for example jdbc:postgresql://primary:5432/app; "
								+ "replica-router sends writes there and reads to replica-router.replicas[*].");
			}
			return this.properties.getUrl();
		}

		@Override
		public String getUsername() {
			return this.properties.determineUsername();
		}

		@Override
		public String getPassword() {
			return this.properties.determinePassword();
		}

		@Override
		public String getDriverClassName() {
			String driver = this.properties.getDriverClassName();
			return StringUtils.hasText(driver) ? driver : JdbcConnectionDetails.super.getDriverClassName();
		}

	}

}
