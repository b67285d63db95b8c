package io.replicarouter.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.benchmarks.stub.StubDriver;
import io.replicarouter.replica.ReplicaHealthMonitor;
import org.apache.shardingsphere.driver.api.yaml.YamlShardingSphereDataSourceFactory;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One {@link Layer} over a set of {@link Nodes}, ready to run the transactions the
 * benchmarks measure: Spring's {@link TransactionTemplate} around a {@code SELECT 1} run
 * with {@link JdbcTemplate}.
 */
public final class Target implements AutoCloseable {

	/**
	 * Pool size of every pool, so no layer waits for a connection.
	 */
	static final int POOL_SIZE = 4;

	private static final String SELECT_ONE = "SELECT 1";

	private final Layer layer;

	private final DataSource dataSource;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate readOnly;

	private final TransactionTemplate readWrite;

	private final List<AutoCloseable> resources;

	private Target(Layer layer, DataSource dataSource, PlatformTransactionManager transactionManager,
			List<AutoCloseable> resources) {
		this.layer = layer;
		this.dataSource = dataSource;
		this.jdbc = new JdbcTemplate(dataSource);
		this.readOnly = new TransactionTemplate(transactionManager);
		this.readOnly.setReadOnly(true);
		this.readWrite = new TransactionTemplate(transactionManager);
		this.resources = resources;
	}

	/**
	 * Build a layer over the given nodes.
	 * @param layer the layer
	 * @param nodes the primary and the replica
	 * @return the target, to be closed after use
	 */
	public static Target create(Layer layer, Nodes nodes) {
		return switch (layer) {
			case BASELINE -> baseline(nodes);
			case ROUTER -> router(layer, nodes, "lsn");
			case ROUTER_NONE -> router(layer, nodes, "none");
			case ROUTER_OBSERVED -> router(layer, nodes, "lsn");
			case LAZY_PROXY -> lazyProxy(nodes);
			case SHARDING_SPHERE -> shardingSphere(nodes);
			case AWS_WRAPPER -> awsWrapper(nodes);
		};
	}

	private static Target baseline(Nodes nodes) {
		HikariDataSource primary = pool("primary", nodes.primaryUrl(), nodes, false);
		return new Target(Layer.BASELINE, primary, new JdbcTransactionManager(primary), List.of(primary));
	}

	private static Target lazyProxy(Nodes nodes) {
		HikariDataSource primary = pool("primary", nodes.primaryUrl(), nodes, false);
		HikariDataSource replica = pool("replica-1", nodes.replicaUrl(), nodes, true);
		LazyConnectionDataSourceProxy proxy = new LazyConnectionDataSourceProxy(primary);
		proxy.setReadOnlyDataSource(replica);
		proxy.afterPropertiesSet();
		return new Target(Layer.LAZY_PROXY, proxy, new JdbcTransactionManager(proxy), List.of(replica, primary));
	}

	private static Target shardingSphere(Nodes nodes) {
		HikariDataSource primary = pool("primary", nodes.primaryUrl(), nodes, false);
		HikariDataSource replica = pool("replica-1", nodes.replicaUrl(), nodes, true);
		Map<String, DataSource> dataSources = new LinkedHashMap<>();
		dataSources.put("primary", primary);
		dataSources.put("replica_1", replica);
		// Read/write splitting as its documentation configures it. Reads inside a transaction
		// go to a replica (FIXED: one replica per transaction), as they do with the other
		// layers; ShardingSphere's default (PRIMARY) would send them to the primary.
		String yaml = """
				databaseName: bench
				mode:
				  type: Standalone
				  repository:
				    type: JDBC
				rules:
				- !READWRITE_SPLITTING
				  dataSourceGroups:
				    readwrite:
				      writeDataSourceName: primary
				      readDataSourceNames:
				        - replica_1
				      transactionalReadQueryStrategy: FIXED
				      loadBalancerName: round_robin
				  loadBalancers:
				    round_robin:
				      type: ROUND_ROBIN
				props:
				  sql-show: false
				""";
		try {
			DataSource sharding = YamlShardingSphereDataSourceFactory.createDataSource(dataSources,
					yaml.getBytes(StandardCharsets.UTF_8));
			return new Target(Layer.SHARDING_SPHERE, sharding, new JdbcTransactionManager(sharding),
					List.of((AutoCloseable) sharding, replica, primary));
		}
		catch (Exception ex) {
			replica.close();
			primary.close();
			throw new IllegalStateException("ShardingSphere-JDBC could not start: " + ex, ex);
		}
	}

	/**
	 * The AWS Advanced JDBC Wrapper as its read/write splitting documentation configures it
	 * outside Aurora: one pool of wrapper connections over a connection string that names
	 * the writer first and the reader after it ({@code singleWriterConnectionString}), only
	 * the {@code readWriteSplitting} plugin (the default plugins watch Aurora topology), the
	 * PostgreSQL dialect named so it is not probed for. Spring's transaction manager calls
	 * {@code setReadOnly(true)} for a read-only transaction, on which the plugin switches the
	 * wrapper connection to its (cached) reader connection, and back after it.
	 */
	private static Target awsWrapper(Nodes nodes) {
		if (nodes.driverClassName().equals(StubDriver.class.getName())) {
			// The wrapper finds its target driver through DriverManager.
			StubDriver.registerAheadOfOtherDrivers();
		}
		String primary = nodes.primaryUrl().substring("jdbc:postgresql://".length());
		String replica = nodes.replicaUrl().substring("jdbc:postgresql://".length());
		String replicaHost = replica.substring(0, replica.indexOf('/'));
		int path = primary.indexOf('/');
		String url = "jdbc:aws-wrapper:postgresql://" + primary.substring(0, path) + "," + replicaHost
				+ primary.substring(path);
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName("aws-wrapper");
		pool.setJdbcUrl(url);
		pool.setUsername(nodes.username());
		pool.setPassword(nodes.password());
		pool.setDriverClassName("software.amazon.jdbc.Driver");
		pool.setMaximumPoolSize(POOL_SIZE);
		pool.setMinimumIdle(POOL_SIZE);
		pool.addDataSourceProperty("wrapperPlugins", "readWriteSplitting");
		pool.addDataSourceProperty("singleWriterConnectionString", "true");
		pool.addDataSourceProperty("wrapperDialect", "pg");
		return new Target(Layer.AWS_WRAPPER, pool, new JdbcTransactionManager(pool), List.of(pool));
	}

	/**
	 * replica-router built the way an application gets it: Boot's auto-configuration from
	 * properties. Only the auto-configurations the data access path needs are imported, so
	 * that nothing else on the class path (the sample's Flyway migrations, Redis) starts.
	 */
	private static Target router(Layer layer, Nodes nodes, String consistencyMode) {
		List<String> arguments = new ArrayList<>();
		arguments.add("--spring.config.name=replica-router-benchmarks");
		arguments.add("--spring.datasource.url=" + nodes.primaryUrl());
		arguments.add("--spring.datasource.username=" + nodes.username());
		arguments.add("--spring.datasource.password=" + nodes.password());
		arguments.add("--spring.datasource.driver-class-name=" + nodes.driverClassName());
		arguments.add("--spring.datasource.hikari.maximum-pool-size=" + POOL_SIZE);
		arguments.add("--spring.datasource.hikari.minimum-idle=" + POOL_SIZE);
		arguments.add("--replica-router.replicas[0].url=" + nodes.replicaUrl());
		arguments.add("--replica-router.consistency.mode=" + consistencyMode);
		arguments.add("--logging.level.root=WARN");
		Class<?> application = (layer == Layer.ROUTER_OBSERVED) ? ObservedRouterApplication.class
				: RouterApplication.class;
		ConfigurableApplicationContext context = new SpringApplicationBuilder(application)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.run(arguments.toArray(String[]::new));
		ReplicaHealthMonitor monitor = context.getBean(ReplicaHealthMonitor.class);
		if (monitor.eligibleReplicas().isEmpty()) {
			context.close();
			throw new IllegalStateException("No replica in rotation: " + monitor.describeIneligibleReplicas()
					+ "; the benchmark would measure the fallback to the primary");
		}
		return new Target(layer, context.getBean(DataSource.class), context.getBean(PlatformTransactionManager.class),
				List.of(context));
	}

	private static HikariDataSource pool(String name, String url, Nodes nodes, boolean readOnly) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setJdbcUrl(url);
		pool.setUsername(nodes.username());
		pool.setPassword(nodes.password());
		pool.setDriverClassName(nodes.driverClassName());
		pool.setMaximumPoolSize(POOL_SIZE);
		pool.setMinimumIdle(POOL_SIZE);
		pool.setReadOnly(readOnly);
		return pool;
	}

	/**
	 * Return the layer.
	 * @return the layer
	 */
	public Layer layer() {
		return this.layer;
	}

	/**
	 * Return the data source the application would use.
	 * @return the data source
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Run {@code SELECT 1} in a read-only transaction.
	 * @return 1
	 */
	public Integer readOnlyTransaction() {
		return this.readOnly.execute((status) -> this.jdbc.queryForObject(SELECT_ONE, Integer.class));
	}

	/**
	 * Run {@code SELECT 1} in a read-write transaction.
	 * @return 1
	 */
	public Integer readWriteTransaction() {
		return this.readWrite.execute((status) -> this.jdbc.queryForObject(SELECT_ONE, Integer.class));
	}

	@Override
	public void close() throws Exception {
		for (AutoCloseable resource : this.resources) {
			resource.close();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class,
			DataSourceTransactionManagerAutoConfiguration.class, TransactionAutoConfiguration.class,
			JdbcTemplateAutoConfiguration.class })
	static class RouterApplication {

	}

	/**
	 * {@link RouterApplication} with an {@link ObservationRegistry} that times each
	 * observation in a meter registry, as Boot's actuator sets one up: every routed
	 * connection binding is observed.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@Import(RouterApplication.class)
	static class ObservedRouterApplication {

		@Bean
		ObservationRegistry observationRegistry() {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultMeterObservationHandler(new SimpleMeterRegistry()));
			return registry;
		}

	}

}
