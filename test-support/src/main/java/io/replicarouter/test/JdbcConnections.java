package io.replicarouter.test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

import org.postgresql.Driver;

/**
 * Opens JDBC connections to the servers of a test cluster with the PostgreSQL driver: the connections handed to
 * tests and those of the cluster's own checks (short timeouts).
 */
final class JdbcConnections {

	private static final Driver DRIVER = new Driver();

	private JdbcConnections() {
	}

	/**
	 * Opens a connection for a test: a 10 second connect timeout, overridable by {@code properties}.
	 */
	static Connection connect(String url, String username, String password, Properties properties)
			throws SQLException {
		Properties effective = new Properties();
		effective.setProperty("user", username);
		effective.setProperty("password", password);
		effective.setProperty("connectTimeout", "10");
		effective.putAll(properties);
		return open(url, effective);
	}

	/**
	 * Opens a connection for the cluster's own checks: short connect and socket timeouts.
	 */
	static Connection connectInternally(String url, String username, String password) throws SQLException {
		Properties properties = new Properties();
		properties.setProperty("user", username);
		properties.setProperty("password", password);
		properties.setProperty("connectTimeout", "2");
		properties.setProperty("socketTimeout", "10");
		properties.setProperty("ApplicationName", "replica-router-test");
		return open(url, properties);
	}

	private static Connection open(String url, Properties properties) throws SQLException {
		Connection connection = DRIVER.connect(url, properties);
		if (connection == null) {
			throw new SQLException("The PostgreSQL driver does not accept " + url);
		}
		return connection;
	}

}
