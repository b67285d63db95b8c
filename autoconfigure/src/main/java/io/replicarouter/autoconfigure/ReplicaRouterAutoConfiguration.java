package io.replicarouter.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.observation.ObservationRegistry;
import io.replicarouter.autoconfigure.ReplicaRouterProperties.Replica;
import io.replicarouter.consistency.ConsistencyMode;
import io.replicarouter.consistency.ScopedConsistencyGuard;
import io.replicarouter.jdbc.NodePoolFactory;
import io.replicarouter.jdbc.NodePoolFactory.Connection;
import io.replicarouter.pgbouncer.PgBouncerPoolsMonitor;
import io.replicarouter.replica.HealthThresholds;
import io.replicarouter.replica.PoolSaturationMonitor;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.replica.ReplicaHealthMonitor.MonitorSettings;
import io.replicarouter.replica.StartupNodeCheck;
import io.replicarouter.routing.ConsistencyGuard;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.routing.ReplicaSelector;
import io.replicarouter.routing.RoutingStatistics;
import io.replicarouter.routing.RoutingTopology;
import io.replicarouter.routing.observation.RoutingObservationConvention;
import io.replicarouter.topology.StaticTopologySource;
import io.replicarouter.topology.TopologySource;
import io.replicarouter.topology.patroni.PatroniTopologySource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
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
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * Routes read-only transactions to the replicas of {@code replica-router.replicas[*]}
 * through a {@link ReplicaRoutingDataSource} over a pool per node.
 * <p>
 * Every pool is a bean that is not a default candidate, so that Boot's pool metrics,
 * DataSource post-processors and wrappers see it while injecting a {@link DataSource} by
 * type gives the router: {@value ApplicationDataSources#PRIMARY} for the primary and
 * {@code replicaRouterReplica<i>DataSource} for each replica ({@link ReplicaPoolsRegistrar}).
 * The primary is the application's own DataSource bean when it defines exactly one, else a
 * pool built from {@code spring.datasource.*} (see {@link ApplicationDataSources} for the
 * rule).
 * <p>
 * Every {@link ReplicaConnectionDetails} bean (a {@code @ServiceConnection} container or a
 * Docker Compose service named {@value ReplicaConnectionDetails#CONNECTION_NAME}) is one
 * more replica, after the configured ones; its connection details are registered by Boot's
 * {@code ServiceConnectionAutoConfiguration}, which therefore runs first.
 * <p>
 * Backs off when no replica is configured or declared, when {@code replica-router.enabled=false}, or
 * when the application defines several DataSource beans: the application then behaves
 * exactly like plain Boot.
 */
@AutoConfiguration(before = { DataSourceAutoConfiguration.class, DataSourceInitializationAutoConfiguration.class },
		afterName = "org.springframework.boot.testcontainers.service.connection.ServiceConnectionAutoConfiguration")
@ConditionalOnClass({ DataSource.class, HikariDataSource.class, JdbcConnectionDetails.class })
@ConditionalOnBooleanProperty(name = "replica-router.enabled", matchIfMissing = true)
@Conditional({ OnReplicasConfiguredCondition.class, ApplicationDataSources.AtMostOne.class })
@EnableConfigurationProperties({ ReplicaRouterProperties.class, ReplicaHealthProperties.class,
		ConsistencyProperties.class, DataSourceProperties.class, PgBouncerProperties.class, PatroniProperties.class })
@Import({ ReplicaRouterAutoConfiguration.StarterPrimaryConfiguration.class,
		ReplicaRouterAutoConfiguration.ApplicationPrimaryConfiguration.class, ReplicaPoolsRegistrar.class,
		MigrationsOnPrimaryConfiguration.class, ReplicaRouterAdvisorsConfiguration.class, PatroniConfiguration.class })
public final class ReplicaRouterAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ReplicaRouterSettings replicaRouterSettings(ReplicaRouterProperties properties,
			ReplicaHealthProperties healthProperties, ConsistencyProperties consistency, PgBouncerProperties pgBouncer,
			PatroniProperties patroni, PrimarySource primary, ListableBeanFactory beanFactory) {
		return ReplicaRouterSettings.validated(properties, healthProperties, consistency, pgBouncer, patroni, primary,
				ServiceReplica.find(beanFactory, properties.getReplicas().size()));
	}

	@Bean(ReplicaPoolsRegistrar.NODE_POOLS)
	@ConditionalOnMissingBean
	NodePools replicaRouterNodePools(ReplicaRouterSettings settings, DataSourceProperties dataSourceProperties,
			ObjectProvider<JdbcConnectionDetails> connectionDetails,
			ObjectProvider<ReplicaRouterPoolCustomizer> customizers, Environment environment) {
		NodePoolFactory factory = new NodePoolFactory(Binder.get(environment));
		JdbcConnectionDetails details = connectionDetails
			.getIfAvailable(() -> new DataSourcePropertiesConnectionDetails(dataSourceProperties));
		return new NodePools(settings, factory, factory.effective(connection(details)), dataSourceProperties.getName(),
				customizers);
	}

	/**
	 * The connection settings of Boot's connection details. When the application brings its
	 * own primary, {@code spring.datasource.*} may be empty: what cannot be determined is
	 * left unset (replicas then need their own credentials) instead of failing here.
	 */
	private static Connection connection(JdbcConnectionDetails details) {
		String url = determine(details::getJdbcUrl);
		return new Connection(url, determine(details::getUsername), determine(details::getPassword),
				(url != null) ? determine(details::getDriverClassName) : null);
	}

	private static @Nullable String determine(Supplier<@Nullable String> value) {
		try {
			return value.get();
		}
		catch (RuntimeException ex) {
			// not set, and Boot cannot derive it (no URL, no embedded database)
			return null;
		}
	}

	/**
	 * The nodes: the primary's DataSource and every replica's pool, all beans of their own:
	 * the configured replicas, then those of connection details.
	 * Spring closes those beans; this object must not close them first.
	 */
	@Bean(destroyMethod = "")
	@ConditionalOnMissingBean
	DatabaseNodes replicaRouterNodes(@Qualifier(ApplicationDataSources.PRIMARY) DataSource primary,
			ReplicaRouterSettings settings, ListableBeanFactory beanFactory,
			ObjectProvider<PatroniTopologySource> patroni) {
		HikariDataSource primaryPool = PrimarySource.hikari(primary);
		String primaryName = (primaryPool != null && primaryPool.getPoolName() != null) ? primaryPool.getPoolName()
				: NodePools.PRIMARY_NAME;
		String primaryUrl = (primaryPool != null && primaryPool.getJdbcUrl() != null) ? primaryPool.getJdbcUrl()
				: Objects.requireNonNullElse(settings.primary().url(), "(URL not known)");
		DataSourceNode primaryNode = new DataSourceNode(primaryName, NodeRole.PRIMARY, primary, primaryUrl, 1);
		AotReplicaPools.check(beanFactory, settings.router().getReplicas().size() + settings.services().size());
		List<DataSourceNode> replicas = new ArrayList<>();
		for (int index = 0; index < settings.router().getReplicas().size(); index++) {
			Replica replica = settings.router().getReplicas().get(index);
			DataSource pool = beanFactory.getBean(ReplicaPoolsRegistrar.beanName(index), DataSource.class);
			HikariDataSource hikari = PrimarySource.hikari(pool);
			String url = (hikari != null && hikari.getJdbcUrl() != null) ? hikari.getJdbcUrl()
					: Objects.requireNonNull(replica.getUrl());
			replicas.add(new DataSourceNode(ReplicaRouterProperties.nodeName(replica, index), NodeRole.REPLICA, pool,
					url, replica.getWeight(), replica.getZone(), replica.getGroup()));
		}
		for (ServiceReplica service : settings.services()) {
			DataSource pool = beanFactory.getBean(ReplicaPoolsRegistrar.beanName(service.index()), DataSource.class);
			HikariDataSource hikari = PrimarySource.hikari(pool);
			String url = (hikari != null && hikari.getJdbcUrl() != null) ? hikari.getJdbcUrl()
					: service.details().getJdbcUrl();
			replicas.add(new DataSourceNode(service.nodeName(), NodeRole.REPLICA, pool, url, 1));
		}
		PatroniTopologySource source = patroni.getIfAvailable();
		if (source == null) {
			return new DatabaseNodes(primaryNode, replicas);
		}
		// Configured replicas, if any, stay; Patroni's members join them.
		DatabaseNodes nodes = DatabaseNodes.dynamic(primaryNode, replicas);
		source.bind(nodes);
		return nodes;
	}

	@Bean
	@ConditionalOnMissingBean(TopologySource.class)
	@Conditional(OnPatroniCondition.NotConfigured.class)
	StaticTopologySource replicaRouterStaticTopology() {
		return new StaticTopologySource(Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaRouterInitializer replicaRouterInitializer(DatabaseNodes nodes, PrimarySource primary,
			ObjectProvider<RoutingTopology> topology, ObjectProvider<DataSource> dataSources,
			ReplicaRouterSettings settings) {
		return new ReplicaRouterInitializer(nodes, primary, topology, dataSources, settings);
	}

	@Bean
	@ConditionalOnMissingBean
	StartupNodeCheck replicaRouterStartupNodeCheck(ReplicaHealthMonitor monitor, ReplicaRouterSettings settings) {
		return new StartupNodeCheck(monitor, settings.router().isFailFast(), settings.primary().settings(),
				ReplicaRouterProperties.PREFIX + ".replicas", settings.replicaSettings());
	}

	@Bean
	@ConditionalOnMissingBean
	ReplicaHealthMonitor replicaHealthMonitor(DatabaseNodes nodes, ReplicaRouterSettings settings) {
		ReplicaRouterProperties properties = settings.router();
		ReplicaHealthProperties healthProperties = settings.health();
		DataSize maxLagBytes = properties.getMaxLagBytes();
		HealthThresholds thresholds = new HealthThresholds(properties.getMaxLag(),
				(maxLagBytes != null) ? maxLagBytes.toBytes() : 0);
		ReplicaHealthMonitor monitor = new ReplicaHealthMonitor(nodes,
				new MonitorSettings(healthProperties.getProbeInterval(), healthProperties.getProbeTimeout(),
						healthProperties.getMaxBackoff(), thresholds, healthProperties.getFailureThreshold(),
						healthProperties.getMinInRotation()));
		for (DataSourceNode replica : nodes.replicas()) {
			ReplicaRouterProperties.Group group = properties.getGroups().get(replica.group());
			if (group != null && group.getMaxLag() != null) {
				monitor.setThresholds(replica.name(), new HealthThresholds(group.getMaxLag(), thresholds.maxLagBytes()));
			}
		}
		return monitor;
	}

	@Bean
	@ConditionalOnMissingBean
	PoolSaturationMonitor replicaRouterPoolSaturationMonitor(DatabaseNodes nodes, ReplicaRouterSettings settings) {
		ReplicaHealthProperties healthProperties = settings.health();
		return new PoolSaturationMonitor(nodes, healthProperties.getPoolUsageThreshold(),
				healthProperties.getPoolSaturationPeriod(), healthProperties.getProbeInterval());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnProperty(prefix = PgBouncerProperties.PREFIX + ".admin", name = "username")
	PgBouncerPoolsMonitor replicaRouterPgBouncerPoolsMonitor(DatabaseNodes nodes, ReplicaRouterSettings settings) {
		PgBouncerProperties.Admin admin = settings.pgBouncer().getAdmin();
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
	ConsistencyGuard replicaRouterConsistencyGuard(ReplicaRouterSettings settings) {
		ConsistencyProperties consistency = settings.consistency();
		if (consistency.getMode() == ConsistencyMode.NONE) {
			return ConsistencyGuard.NONE;
		}
		// After max-lag (plus the probes' granularity) every replica in rotation has replayed
		// a write, so its token stops mattering.
		Duration tokenLifetime = settings.router()
			.getMaxLag()
			.plus(settings.health().getProbeInterval().multipliedBy(2))
			.plusSeconds(1);
		return new ScopedConsistencyGuard(consistency.getMode(), consistency.getMaxWait(),
				consistency.getStickyWindow(), tokenLifetime, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnMissingBean
	RoutingStatistics replicaRouterStatistics(DatabaseNodes nodes) {
		return new RoutingStatistics(nodes);
	}

	private static ReplicaRoutingDataSource router(DatabaseNodes nodes, RoutingTopology topology,
			ReplicaSelector selector, ConsistencyGuard consistency, ReplicaRouterProperties properties,
			RoutingStatistics statistics) {
		boolean autoCommit = !(nodes.primary().dataSource() instanceof HikariDataSource primary)
				|| primary.isAutoCommit();
		ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(nodes, topology, selector,
				properties.getFallback(), properties.getNonTransactionalReads(), autoCommit, consistency, statistics);
		router.setPrimaryUnavailableWait(properties.getPrimary().getUnavailableWait());
		router.setFallbackMaxConcurrency(fallbackMaxConcurrency(properties, nodes));
		router.setFallbackWait(properties.getTimeouts().getBorrow());
		router.setPrimaryReadWeight(properties.getPrimary().getReadWeight());
		router.setZone(properties.getZone());
		Map<String, String> fallbacks = new LinkedHashMap<>();
		Map<String, ReplicaSelector> selectors = new LinkedHashMap<>();
		properties.getGroups().forEach((name, group) -> {
			if (group.getFallback() != null) {
				fallbacks.put(name, group.getFallback().strip());
			}
			if (group.getBalancing() != null) {
				selectors.put(name, group.getBalancing().createSelector());
			}
		});
		router.setGroupFallbacks(fallbacks);
		router.setGroupSelectors(selectors);
		return router;
	}

	/**
	 * The application defines no DataSource: the starter builds the primary's pool from
	 * {@code spring.datasource.*}, and the router is Boot's {@code dataSource}.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(ApplicationDataSources.None.class)
	static class StarterPrimaryConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PrimarySource replicaRouterPrimarySource(DataSourceProperties dataSourceProperties,
				ObjectProvider<JdbcConnectionDetails> connectionDetails) {
			return PrimarySource.ofConnectionDetails(connectionDetails
				.getIfAvailable(() -> new DataSourcePropertiesConnectionDetails(dataSourceProperties)));
		}

		@Bean(name = ApplicationDataSources.PRIMARY, defaultCandidate = false)
		@ConditionalOnMissingBean(name = ApplicationDataSources.PRIMARY)
		HikariDataSource replicaRouterPrimaryDataSource(NodePools pools) {
			return pools.primary();
		}

		/**
		 * The routing data source. Other beans reach the router's parts (nodes, statistics)
		 * as beans of their own, never through this bean's type: DataSource wrappers (Boot's
		 * {@code spring.datasource.connection-fetch=lazy}, datasource-proxy, tracing) replace
		 * this bean with a proxy.
		 */
		@Bean
		@ConditionalOnMissingBean(ReplicaRoutingDataSource.class)
		ReplicaRoutingDataSource dataSource(DatabaseNodes nodes, RoutingTopology topology, ReplicaSelector selector,
				ConsistencyGuard consistency, ReplicaRouterProperties properties, RoutingStatistics statistics,
				ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<RoutingObservationConvention> observationConvention) {
			ReplicaRoutingDataSource router = router(nodes, topology, selector, consistency, properties, statistics);
			observe(router, observationRegistry, observationConvention);
			return router;
		}

	}

	/**
	 * The application defines one DataSource: it is the primary, and the router, named
	 * {@code replicaRouterDataSource} so as not to clash with it, takes its place for
	 * injection by type.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(ApplicationDataSources.One.class)
	@Import(ApplicationDataSources.Registrar.class)
	static class ApplicationPrimaryConfiguration {

		@Bean
		@Primary
		@ConditionalOnMissingBean(ReplicaRoutingDataSource.class)
		ReplicaRoutingDataSource replicaRouterDataSource(DatabaseNodes nodes, RoutingTopology topology,
				ReplicaSelector selector, ConsistencyGuard consistency, ReplicaRouterProperties properties,
				RoutingStatistics statistics, ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<RoutingObservationConvention> observationConvention) {
			ReplicaRoutingDataSource router = router(nodes, topology, selector, consistency, properties, statistics);
			observe(router, observationRegistry, observationConvention);
			return router;
		}

	}

	/**
	 * Observe routing decisions where the application has an {@link ObservationRegistry}
	 * (Boot makes one with Micrometer's observation support); otherwise nothing is observed,
	 * at no cost.
	 */
	private static void observe(ReplicaRoutingDataSource router, ObjectProvider<ObservationRegistry> registry,
			ObjectProvider<RoutingObservationConvention> convention) {
		registry.ifAvailable(router::setObservationRegistry);
		router.setObservationConvention(convention.getIfAvailable());
	}

	private static int fallbackMaxConcurrency(ReplicaRouterProperties properties, DatabaseNodes nodes) {
		Integer configured = properties.getFallbackMaxConcurrency();
		if (configured != null) {
			return configured;
		}
		int primaryPoolSize = (nodes.primary().dataSource() instanceof HikariDataSource primary)
				? primary.getMaximumPoolSize() : 10;
		return Math.max(1, primaryPoolSize / 2);
	}

}
