package io.replicarouter.autoconfigure;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.autoconfigure.ReplicaRouterProperties.Replica;
import io.replicarouter.jdbc.JdbcUrls;
import io.replicarouter.jdbc.StatementTimeouts;
import io.replicarouter.jdbc.TransportSecurity;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.util.StringUtils;

/**
 * Builds the Hikari pools of the primary and of each replica.
 * <p>
 * Both start from {@code spring.datasource.hikari.*}, so replicas inherit the primary's
 * pool settings; a replica then takes the primary's effective credentials and driver
 * unless it sets its own, and finally its {@code replica-router.replicas[i].hikari.*}
 * overrides. Pools are created unstarted: no connection is opened until first use, so an
 * unreachable node does not stop the application from starting.
 */
final class NodePoolFactory {

	static final String PRIMARY_NAME = "primary";

	static final String REPLICA_NAME_PREFIX = "replica-";

	private static final String HIKARI_PREFIX = "spring.datasource.hikari";

	private static final String PREPARE_THRESHOLD = "prepareThreshold";

	private static final Pattern PREPARE_THRESHOLD_IN_URL = Pattern.compile("[?&]prepareThreshold=",
			Pattern.CASE_INSENSITIVE);

	private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private final Binder binder;

	NodePoolFactory(Binder binder) {
		this.binder = binder;
	}

	/**
	 * Create the primary's pool from Boot's connection details and
	 * {@code spring.datasource.hikari.*}.
	 * @param connectionDetails the primary's URL and credentials
	 * @param dataSourceName {@code spring.datasource.name}, used as the pool name if set
	 * @return the unstarted pool
	 */
	HikariDataSource createPrimary(JdbcConnectionDetails connectionDetails, @Nullable String dataSourceName) {
		String url = connectionDetails.getJdbcUrl();
		if (!JdbcUrls.isPostgresql(url)) {
			throw new InvalidReplicaRouterConfigurationException("spring.datasource.url",
					"replica-router needs a PostgreSQL primary but the URL is '" + JdbcUrls.mask(url) + "'",
					"Set it to the primary's URL, for example jdbc:postgresql://primary:5432/app, "
							+ "or set replica-router.enabled=false.");
		}
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url);
		pool.setUsername(connectionDetails.getUsername());
		pool.setPassword(connectionDetails.getPassword());
		pool.setDriverClassName(connectionDetails.getDriverClassName());
		this.binder.bind(HIKARI_PREFIX, Bindable.ofInstance(pool));
		if (pool.getPoolName() == null) {
			pool.setPoolName(StringUtils.hasText(dataSourceName) ? dataSourceName : PRIMARY_NAME);
		}
		return pool;
	}

	/**
	 * Validate the replica list as a whole, before any pool is created.
	 * @param properties the bound properties
	 * @param primaryUrl the primary's URL
	 */
	void validate(ReplicaRouterProperties properties, String primaryUrl, ConfigurationProblems problems) {
		if (!JdbcUrls.isPostgresql(primaryUrl)) {
			problems.add("spring.datasource.url",
					"replica-router needs a PostgreSQL primary but the URL is '" + JdbcUrls.mask(primaryUrl) + "'",
					"Set it to the primary's URL, for example jdbc:postgresql://primary:5432/app, "
							+ "or set replica-router.enabled=false.");
		}
		else if (JdbcUrls.hasUserInfo(primaryUrl)) {
			problems.add("spring.datasource.url", userInfoProblem(primaryUrl),
					"Remove them from the URL and set spring.datasource.username and spring.datasource.password.");
		}
		Set<String> names = new HashSet<>();
		for (int index = 0; index < properties.getReplicas().size(); index++) {
			Replica replica = properties.getReplicas().get(index);
			String property = ReplicaRouterProperties.PREFIX + ".replicas[" + index + "]";
			String url = replica.getUrl();
			if (!StringUtils.hasText(url)) {
				problems.add(property + ".url", "it is not set",
						"Set it to the replica's JDBC URL, for example jdbc:postgresql://replica-1:5432/app, "
								+ "or remove the replica.");
			}
			else if (!JdbcUrls.isPostgresql(url)) {
				problems.add(property + ".url", "'" + JdbcUrls.mask(url) + "' is not a PostgreSQL JDBC URL",
						"Use a URL that starts with jdbc:postgresql://, for example "
								+ "jdbc:postgresql://replica-1:5432/app.");
			}
			else if (JdbcUrls.hasUserInfo(url)) {
				problems.add(property + ".url", userInfoProblem(url),
						"Remove them from the URL and set " + property + ".username and " + property
								+ ".password, or leave both unset to use the primary's.");
			}
			else if (JdbcUrls.malformation(url) != null) {
				problems.add(property + ".url",
						"'" + JdbcUrls.mask(url) + "' is malformed: " + JdbcUrls.malformation(url),
						"Use the form jdbc:postgresql://host:port/database, for example "
								+ "jdbc:postgresql://replica-1:5432/app.");
			}
			else if (sameEndpoint(url, primaryUrl)) {
				problems.add(property + ".url",
						"it names the same server and database as spring.datasource.url, so reads would not be "
								+ "offloaded and a read-only transaction would run on the primary as if on a replica",
						"Point it at a streaming replica of the primary.");
			}
			String name = replicaName(replica, index);
			if (!VALID_NAME.matcher(name).matches()) {
				problems.add(property + ".name",
						"'" + name + "' contains characters other than letters, digits, '.', '_' and '-'",
						"Use a short name such as 'eu-1'.");
			}
			if (!names.add(name)) {
				problems.add(property + ".name",
						"another replica is already named '" + name + "'",
						"Give every replica a unique name; a replica without one is named after its 1-based "
								+ "position in the list.");
			}
			if (replica.getWeight() < 1) {
				problems.add(property + ".weight",
						"it is " + replica.getWeight() + " but must be at least 1",
						"Set a positive weight, or remove the replica to stop sending it reads.");
			}
		}
	}

	private static String userInfoProblem(String url) {
		return "'" + JdbcUrls.mask(url) + "' carries credentials before the host (user:password@host), which the "
				+ "PostgreSQL driver does not read: it would take them for part of the host name";
	}

	/**
	 * Whether two URLs name the same hosts, ports and database, whatever their parameters
	 * and letter case. Other spellings of the primary (an IP address for a host name) are
	 * found by the health monitor, which compares the servers themselves.
	 */
	private static boolean sameEndpoint(String url, String primaryUrl) {
		return endpoint(url).equals(endpoint(primaryUrl));
	}

	private static String endpoint(String url) {
		String lower = url.trim().toLowerCase(Locale.ROOT);
		int query = lower.indexOf('?');
		String withoutQuery = (query >= 0) ? lower.substring(0, query) : lower;
		// The driver's default port, written or not, is the same endpoint.
		return withoutQuery.replaceAll(":5432(?=[/,]|$)", "").replaceAll("/+$", "");
	}

	/**
	 * Create a replica's pool.
	 * @param index the replica's position in {@code replica-router.replicas}
	 * @param replica its properties
	 * @param primary the primary's pool, whose credentials and driver it inherits
	 * @param timeouts defaults for the timeouts that no setting of the user's overrides
	 * @return the unstarted, read-only pool
	 */
	HikariDataSource createReplica(int index, Replica replica, HikariDataSource primary,
			ReplicaRouterProperties.Timeouts timeouts) {
		HikariDataSource pool = new HikariDataSource();
		Duration statement = statementTimeout(replica, timeouts);
		applyTimeoutDefaults(pool, timeouts, statement);
		this.binder.bind(HIKARI_PREFIX, Bindable.ofInstance(pool));
		pool.setJdbcUrl(TransportSecurity.inheritSslParameters(primary.getJdbcUrl(), replica.getUrl(),
				replica.getHikari()));
		pool.setUsername((replica.getUsername() != null) ? replica.getUsername() : primary.getUsername());
		pool.setPassword((replica.getPassword() != null) ? replica.getPassword() : primary.getPassword());
		if (primary.getDriverClassName() != null) {
			pool.setDriverClassName(primary.getDriverClassName());
		}
		pool.setPoolName(nodeName(replica, index));
		applyOverrides(index, replica.getHikari(), pool);
		pool.setReadOnly(true);
		return pool;
	}

	/**
	 * Make a pool safe behind PgBouncer in transaction pooling mode: no server-side
	 * prepared statements, which would be created on one server connection and used on
	 * another ("prepared statement S_1 does not exist"). A prepareThreshold the user set,
	 * in the pool's data source properties or in the URL, is kept.
	 * @param pool an unstarted pool
	 */
	static void disableServerPreparedStatements(HikariDataSource pool) {
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
	 * Set replica-router's timeouts before the user's settings are bound, so that any
	 * timeout the user sets wins (a timeout in the URL wins over both).
	 */
	private static void applyTimeoutDefaults(HikariDataSource pool, ReplicaRouterProperties.Timeouts timeouts,
			Duration statement) {
		long borrow = timeouts.getBorrow().toMillis();
		pool.setConnectionTimeout(borrow);
		pool.setValidationTimeout(Math.min(pool.getValidationTimeout(), borrow));
		String connect = seconds(timeouts.getConnect());
		pool.addDataSourceProperty("connectTimeout", connect);
		pool.addDataSourceProperty("loginTimeout", connect);
		pool.addDataSourceProperty("socketTimeout", seconds(StatementTimeouts.socketTimeout(timeouts.getSocket(), statement)));
		StatementTimeouts.applyDefault(pool, statement);
	}

	/**
	 * Return a replica's statement timeout: its own, else the one of every replica.
	 */
	static Duration statementTimeout(Replica replica, ReplicaRouterProperties.Timeouts timeouts) {
		Duration own = replica.getTimeouts().getStatement();
		return (own != null) ? own : timeouts.getStatement();
	}

	private static String seconds(Duration duration) {
		// PostgreSQL's driver takes whole seconds.
		return String.valueOf(Math.max(1, (duration.toMillis() + 999) / 1000));
	}

	private void applyOverrides(int index, Map<String, String> overrides, HikariDataSource pool) {
		if (overrides.isEmpty()) {
			return;
		}
		String prefix = ReplicaRouterProperties.PREFIX + ".replicas[" + index + "].hikari";
		Map<String, String> source = new LinkedHashMap<>();
		overrides.forEach((key, value) -> source.put(prefix + "." + key, value));
		try {
			new Binder(new MapConfigurationPropertySource(source)).bind(prefix, Bindable.ofInstance(pool),
					new NoUnboundElementsBindHandler(BindHandler.DEFAULT));
		}
		catch (BindException ex) {
			throw new InvalidReplicaRouterConfigurationException(prefix,
					"it holds a setting Hikari does not accept (" + rootMessage(ex) + ")",
					"Use the keys of spring.datasource.hikari.*, for example maximum-pool-size or connection-timeout.");
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getMessage();
	}

	static String nodeName(Replica replica, int index) {
		return REPLICA_NAME_PREFIX + replicaName(replica, index);
	}

	private static String replicaName(Replica replica, int index) {
		return StringUtils.hasText(replica.getName()) ? replica.getName().trim() : String.valueOf(index + 1);
	}

}
