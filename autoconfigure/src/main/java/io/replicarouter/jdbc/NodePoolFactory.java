package io.replicarouter.jdbc;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Builds the Hikari pools of the primary and of each replica.
 * <p>
 * Both start from {@code spring.datasource.hikari.*}, so replicas inherit the primary's
 * pool settings; a replica then takes the primary's credentials and driver unless it sets
 * its own, and finally its own Hikari overrides. Pools are created unstarted: no
 * connection is opened until first use, so an unreachable node does not stop the
 * application from starting. Settings are checked before this factory is used; it does
 * not validate them again.
 */
public final class NodePoolFactory {

	private static final String HIKARI_PREFIX = "spring.datasource.hikari";

	private static final String PREPARE_THRESHOLD = "prepareThreshold";

	private static final Pattern PREPARE_THRESHOLD_IN_URL = Pattern.compile("[?&]prepareThreshold=",
			Pattern.CASE_INSENSITIVE);

	private final Binder binder;

	/**
	 * Create a factory.
	 * @param binder the binder that {@code spring.datasource.hikari.*} is read from
	 */
	public NodePoolFactory(Binder binder) {
		this.binder = binder;
	}

	/**
	 * Create the primary's pool.
	 * @param primary the primary's URL, credentials and driver
	 * @param poolName the pool name when {@code spring.datasource.hikari.pool-name} sets none
	 * @return the unstarted pool
	 */
	public HikariDataSource createPrimary(Connection primary, String poolName) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(primary.url());
		pool.setUsername(primary.username());
		pool.setPassword(primary.password());
		if (primary.driverClassName() != null) {
			pool.setDriverClassName(primary.driverClassName());
		}
		this.binder.bind(HIKARI_PREFIX, Bindable.ofInstance(pool));
		if (pool.getPoolName() == null) {
			pool.setPoolName(poolName);
		}
		return pool;
	}

	/**
	 * Create a replica's pool.
	 * @param replica the replica's own settings
	 * @param primary what it inherits: the primary's URL (for its TLS parameters),
	 * credentials and driver
	 * @param timeouts defaults for the timeouts that no setting of the user's overrides
	 * @return the unstarted, read-only pool
	 */
	public HikariDataSource createReplica(ReplicaPool replica, Connection primary, Timeouts timeouts) {
		HikariDataSource pool = new HikariDataSource();
		applyTimeoutDefaults(pool, timeouts);
		this.binder.bind(HIKARI_PREFIX, Bindable.ofInstance(pool));
		pool.setJdbcUrl(TransportSecurity.inheritSslParameters(primary.url(), replica.url(), replica.hikari()));
		pool.setUsername((replica.username() != null) ? replica.username() : primary.username());
		pool.setPassword((replica.password() != null) ? replica.password() : primary.password());
		if (primary.driverClassName() != null) {
			pool.setDriverClassName(primary.driverClassName());
		}
		pool.setPoolName(replica.name());
		bindOverrides(replica.hikariProperty(), replica.hikari(), pool);
		pool.setReadOnly(true);
		return pool;
	}

	/**
	 * The primary's URL, credentials and driver after {@code spring.datasource.hikari.*},
	 * which may set them too: what replicas inherit.
	 * @param primary the primary's connection settings
	 * @return them, with Hikari's own settings applied
	 */
	public Connection effective(Connection primary) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(primary.url());
		config.setUsername(primary.username());
		config.setPassword(primary.password());
		if (primary.driverClassName() != null) {
			config.setDriverClassName(primary.driverClassName());
		}
		this.binder.bind(HIKARI_PREFIX, Bindable.ofInstance(config));
		return new Connection(config.getJdbcUrl(), config.getUsername(), config.getPassword(),
				config.getDriverClassName());
	}

	/**
	 * Make a pool safe behind PgBouncer in transaction pooling mode: no server-side
	 * prepared statements, which would be created on one server connection and used on
	 * another ("prepared statement S_1 does not exist"). A prepareThreshold the user set,
	 * in the pool's data source properties or in the URL, is kept.
	 * @param pool an unstarted pool
	 */
	public static void disableServerPreparedStatements(HikariDataSource pool) {
		boolean inProperties = pool.getDataSourceProperties()
			.stringPropertyNames()
			.stream()
			.anyMatch((name) -> PREPARE_THRESHOLD.equalsIgnoreCase(name.replace("-", "")));
		String url = pool.getJdbcUrl();
		boolean inUrl = url != null && PREPARE_THRESHOLD_IN_URL.matcher(url).find();
		if (!inProperties && !inUrl) {
			pool.addDataSourceProperty(PREPARE_THRESHOLD, "0");
		}
	}

	/**
	 * Bind a replica's Hikari overrides to a pool, refusing keys Hikari does not know.
	 * @param property the property the overrides were read from, such as
	 * {@code replica-router.replicas[0].hikari}
	 * @param overrides the overrides
	 * @param target the pool or configuration to bind to
	 * @throws org.springframework.boot.context.properties.bind.BindException if a key or
	 * value is not accepted
	 */
	public static void bindOverrides(String property, Map<String, String> overrides, HikariConfig target) {
		if (overrides.isEmpty()) {
			return;
		}
		Map<String, String> source = new LinkedHashMap<>();
		overrides.forEach((key, value) -> source.put(property + "." + key, value));
		new Binder(new MapConfigurationPropertySource(source)).bind(property, Bindable.ofInstance(target),
				new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
	}

	/**
	 * Set replica-router's timeouts before the user's settings are bound, so that any
	 * timeout the user sets wins (a timeout in the URL wins over both).
	 */
	private static void applyTimeoutDefaults(HikariDataSource pool, Timeouts timeouts) {
		long borrow = timeouts.borrow().toMillis();
		pool.setConnectionTimeout(borrow);
		pool.setValidationTimeout(Math.min(pool.getValidationTimeout(), borrow));
		String connect = seconds(timeouts.connect());
		pool.addDataSourceProperty("connectTimeout", connect);
		pool.addDataSourceProperty("loginTimeout", connect);
		pool.addDataSourceProperty("socketTimeout",
				seconds(StatementTimeouts.socketTimeout(timeouts.socket(), timeouts.statement())));
		StatementTimeouts.applyDefault(pool, timeouts.statement());
	}

	private static String seconds(Duration duration) {
		// PostgreSQL's driver takes whole seconds.
		return String.valueOf(Math.max(1, (duration.toMillis() + 999) / 1000));
	}

	/**
	 * A node's URL, credentials and driver.
	 *
	 * @param url the JDBC URL
	 * @param username the user, if any
	 * @param password the password, if any
	 * @param driverClassName the driver, if set
	 */
	public record Connection(@Nullable String url, @Nullable String username, @Nullable String password,
			@Nullable String driverClassName) {

		@Override
		public String toString() {
			return "Connection[" + ((this.url != null) ? JdbcUrls.mask(this.url) : null) + "]";
		}

	}

	/**
	 * A replica's own settings.
	 *
	 * @param name the pool name
	 * @param url the JDBC URL
	 * @param username its own user, or {@code null} to inherit the primary's
	 * @param password its own password, or {@code null} to inherit the primary's
	 * @param hikari Hikari settings that override the inherited ones
	 * @param hikariProperty the property the overrides were read from, for messages
	 */
	public record ReplicaPool(String name, String url, @Nullable String username, @Nullable String password,
			Map<String, String> hikari, String hikariProperty) {

		@Override
		public String toString() {
			return "ReplicaPool[" + this.name + ", " + JdbcUrls.mask(this.url) + "]";
		}

	}

	/**
	 * replica-router's defaults for the timeouts of replica pools.
	 *
	 * @param connect connect and login timeout
	 * @param socket socket timeout
	 * @param borrow Hikari's connection timeout
	 * @param statement the server-side statement timeout, zero for none
	 */
	public record Timeouts(Duration connect, Duration socket, Duration borrow, Duration statement) {
	}

}
