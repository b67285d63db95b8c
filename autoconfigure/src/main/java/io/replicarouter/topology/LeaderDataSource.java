package io.replicarouter.topology;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

import javax.sql.DataSource;

import io.replicarouter.jdbc.JdbcUrls;
import org.jspecify.annotations.Nullable;

/**
 * The primary pool's source of connections when a topology source names the leader: each
 * new connection goes to the current leader, with the database, parameters and driver
 * properties of {@code spring.datasource.*}. While no leader is known it connects to the
 * configured URL as it is (which may list every member with
 * {@code targetServerType=primary}).
 * <p>
 * The pool keeps its connections when the leader changes: the topology source evicts
 * them.
 */
public final class LeaderDataSource implements DataSource {

	private final String configuredUrl;

	private final Properties properties;

	private volatile String url;

	private volatile @Nullable String leader;

	private volatile int loginTimeout;

	/**
	 * Create a data source that connects to the configured URL until told of a leader.
	 * @param configuredUrl {@code spring.datasource.url}
	 * @param properties the driver properties the pool would have passed (timeouts, TLS)
	 */
	public LeaderDataSource(String configuredUrl, Properties properties) {
		this.configuredUrl = configuredUrl;
		this.properties = new Properties();
		this.properties.putAll(properties);
		this.url = configuredUrl;
	}

	/**
	 * Send new connections to a leader.
	 * @param name the leader's member name
	 * @param host its host
	 * @param port its port
	 * @return whether this is another leader than before
	 */
	public synchronized boolean follow(String name, String host, int port) {
		String next = JdbcUrls.withServer(this.configuredUrl, host, port);
		boolean changed = !next.equals(this.url) || !name.equals(this.leader);
		this.url = next;
		this.leader = name;
		return changed;
	}

	/**
	 * Return the member new connections go to.
	 * @return its name, or {@code null} while the configured URL is used
	 */
	public @Nullable String leader() {
		return this.leader;
	}

	/**
	 * Return where new connections go, with any secret masked.
	 * @return the URL
	 */
	public String maskedUrl() {
		return JdbcUrls.mask(this.url);
	}

	@Override
	public Connection getConnection() throws SQLException {
		return connect(new Properties());
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		Properties credentials = new Properties();
		if (username != null) {
			credentials.setProperty("user", username);
		}
		if (password != null) {
			credentials.setProperty("password", password);
		}
		return connect(credentials);
	}

	private Connection connect(Properties credentials) throws SQLException {
		String target = this.url;
		Properties properties = new Properties();
		properties.putAll(this.properties);
		properties.putAll(credentials);
		if (this.loginTimeout > 0 && !properties.containsKey("loginTimeout")) {
			properties.setProperty("loginTimeout", Integer.toString(this.loginTimeout));
		}
		Connection connection = DriverManager.getDriver(target).connect(target, properties);
		if (connection == null) {
			throw new SQLException("No JDBC driver accepts " + JdbcUrls.mask(target));
		}
		return connection;
	}

	@Override
	public @Nullable PrintWriter getLogWriter() {
		return null;
	}

	@Override
	public void setLogWriter(PrintWriter out) {
	}

	@Override
	public void setLoginTimeout(int seconds) {
		this.loginTimeout = seconds;
	}

	@Override
	public int getLoginTimeout() {
		return this.loginTimeout;
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException();
	}

	@Override
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return iface.cast(this);
		}
		throw new SQLException(getClass().getName() + " does not wrap " + iface.getName());
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) {
		return iface.isInstance(this);
	}

	@Override
	public String toString() {
		return "LeaderDataSource[" + maskedUrl() + "]";
	}

}
