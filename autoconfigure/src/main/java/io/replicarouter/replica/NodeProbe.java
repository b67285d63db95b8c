package io.replicarouter.replica;

import io.replicarouter.WalPosition;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.routing.DataSourceNode;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Probes one node over a dedicated connection of its own, kept open between probes, so a
 * saturated pool never delays or fails a probe. Opened with the node's URL, credentials
 * and driver settings, plus short connect and socket timeouts; reopened after a failure.
 * Not thread-safe: one monitor thread uses it.
 */
final class NodeProbe implements AutoCloseable {

	static final String APPLICATION_NAME = "replica-router-monitor";

	private static final String QUERY = """
			select pg_is_in_recovery(),
			  case when pg_is_in_recovery() then null
			       else pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint end,
			  pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0')::bigint,
			  pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint,
			  coalesce(host(inet_server_addr()), 'local') || ':' || coalesce(inet_server_port(), 0)
			    || '@' || pg_postmaster_start_time()""";

	private final DataSourceNode node;

	private final Duration timeout;

	private static final String SYSTEM_IDENTIFIER_QUERY = "select system_identifier::text from pg_control_system()";

	private @Nullable Connection connection;

	/**
	 * The cluster's system identifier, read once per probe connection (it cannot change
	 * while one server answers it); {@code null} when it could not be read.
	 */
	private @Nullable String systemIdentifier;

	private boolean borrowed;

	NodeProbe(DataSourceNode node, Duration timeout) {
		this.node = node;
		this.timeout = timeout;
	}

	DataSourceNode node() {
		return this.node;
	}

	ProbeResult probe() throws SQLException {
		try {
			Connection current = connection();
			try (Statement statement = current.createStatement()) {
				statement.setQueryTimeout(seconds(this.timeout));
				try (ResultSet result = statement.executeQuery(QUERY)) {
					result.next();
					return new ProbeResult(result.getBoolean(1), lsn(result, 2), lsn(result, 3), lsn(result, 4),
							result.getString(5), this.systemIdentifier);
				}
			}
			finally {
				if (this.borrowed) {
					close();
				}
			}
		}
		catch (SQLException | RuntimeException ex) {
			close();
			throw ex;
		}
	}

	private static WalPosition lsn(ResultSet result, int column) throws SQLException {
		long value = result.getLong(column);
		return result.wasNull() ? WalPosition.UNKNOWN : WalPosition.of(value);
	}

	private Connection connection() throws SQLException {
		Connection current = this.connection;
		if (current == null) {
			current = open();
			this.connection = current;
			this.systemIdentifier = systemIdentifier(current);
		}
		return current;
	}

	/**
	 * Read the cluster's {@code system_identifier} (PostgreSQL 9.6+). A server or a role
	 * that does not allow it leaves the identity unchecked rather than the node unprobed;
	 * a timeout or a broken connection fails the probe as any query would.
	 */
	private @Nullable String systemIdentifier(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.setQueryTimeout(seconds(this.timeout));
			try (ResultSet result = statement.executeQuery(SYSTEM_IDENTIFIER_QUERY)) {
				return result.next() ? result.getString(1) : null;
			}
		}
		catch (SQLException ex) {
			String state = ex.getSQLState();
			if (state != null && (state.startsWith("08") || state.startsWith("57"))) {
				throw ex;
			}
			return null;
		}
	}

	private Connection open() throws SQLException {
		if (!(this.node.dataSource() instanceof HikariDataSource pool) || pool.getJdbcUrl() == null) {
			// Without a URL to connect with, borrow from the pool for each probe.
			this.borrowed = true;
			return this.node.dataSource().getConnection();
		}
		Properties properties = new Properties();
		properties.putAll(pool.getDataSourceProperties());
		putIfSet(properties, "user", pool.getUsername());
		putIfSet(properties, "password", pool.getPassword());
		String seconds = String.valueOf(seconds(this.timeout));
		properties.setProperty("connectTimeout", seconds);
		properties.setProperty("loginTimeout", seconds);
		properties.setProperty("socketTimeout", String.valueOf(seconds(this.timeout) + 1));
		// When the query timeout fires, the driver sends a cancel request and waits for the
		// server to close it before the statement returns: 10 s by default, for ever longer
		// than the probe may take when the server is stalled.
		properties.setProperty("cancelSignalTimeout", String.valueOf(seconds(this.timeout)));
		// The socket timeout proper is set below in milliseconds, once connected.
		properties.putIfAbsent("ApplicationName", APPLICATION_NAME);
		// No server-side prepared statements: the probe must also work through PgBouncer.
		properties.setProperty("prepareThreshold", "0");
		Driver driver = driver(pool);
		Connection connection = (driver != null) ? driver.connect(pool.getJdbcUrl(), properties)
				: DriverManager.getConnection(pool.getJdbcUrl(), properties);
		if (connection == null) {
			throw new SQLException("No JDBC driver accepts the URL of " + this.node.name(), "08001");
		}
		connection.setAutoCommit(true);
		// A server that does not answer at all (a black hole) fails the probe half a second
		// after the query timeout, rather than a whole second (the driver's socketTimeout
		// takes whole seconds); a server that is only slow answers the query timeout's
		// cancel within that half second (SQLSTATE 57014).
		connection.setNetworkTimeout(Runnable::run, seconds(this.timeout) * 1000 + 500);
		return connection;
	}

	private static @Nullable Driver driver(HikariDataSource pool) {
		String className = pool.getDriverClassName();
		if (className == null) {
			return null;
		}
		try {
			Class<?> type = ClassUtils.forName(className, NodeProbe.class.getClassLoader());
			return (Driver) type.getDeclaredConstructor().newInstance();
		}
		catch (ReflectiveOperationException | LinkageError | ClassCastException ex) {
			return null;
		}
	}

	private static void putIfSet(Properties properties, String key, @Nullable String value) {
		if (value != null) {
			properties.setProperty(key, value);
		}
	}

	private static int seconds(Duration duration) {
		return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
	}

	@Override
	public void close() {
		Connection current = this.connection;
		this.connection = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (SQLException ex) {
				// Already broken: nothing to release.
			}
		}
	}

}
