package io.replicarouter.benchmarks.stub;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Logger;

/**
 * A JDBC driver that does no I/O: it answers {@code SELECT 1}, the health probe and the WAL
 * position queries of replica-router from memory, so that a benchmark through it shows only
 * the CPU cost of the layers above it.
 * <p>
 * It accepts only PostgreSQL URLs whose host starts with {@code stub-} (for example
 * {@code jdbc:postgresql://stub-primary/bench}), so replica-router's PostgreSQL URL checks
 * pass unchanged, and it cannot take a real server's URL. It is chosen by class name
 * ({@code spring.datasource.driver-class-name}); only for a layer that finds its target
 * driver through {@link java.sql.DriverManager} (the AWS wrapper) is it registered there,
 * see {@link #registerAheadOfOtherDrivers()}. A host containing {@code replica} plays a streaming replica, any other the
 * primary.
 * <p>
 * Every connection counts the statements it ran and the round trips a PostgreSQL driver
 * would have made for the same calls; {@link #counts(String)} adds them up per node.
 */
public final class StubDriver implements Driver {

	/**
	 * URL prefix the driver accepts.
	 */
	public static final String URL_PREFIX = "jdbc:postgresql://stub-";

	private static final Queue<StubConnection> connections = new ConcurrentLinkedQueue<>();

	/**
	 * Register with {@link DriverManager} ahead of the drivers registered already, for a
	 * layer that looks its target driver up there (the AWS wrapper): PostgreSQL's driver
	 * would otherwise claim the {@code jdbc:postgresql:} URL first. This driver still
	 * accepts only {@code stub-} hosts, so every other URL goes on to the real driver.
	 */
	public static synchronized void registerAheadOfOtherDrivers() {
		try {
			List<Driver> others = Collections.list(DriverManager.getDrivers());
			if (others.stream().anyMatch(StubDriver.class::isInstance)) {
				return;
			}
			for (Driver other : others) {
				DriverManager.deregisterDriver(other);
			}
			DriverManager.registerDriver(new StubDriver());
			for (Driver other : others) {
				DriverManager.registerDriver(other);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public Connection connect(String url, Properties info) {
		if (!acceptsURL(url)) {
			return null;
		}
		int hostEnd = url.indexOf('/', "jdbc:postgresql://".length());
		String host = url.substring("jdbc:postgresql://".length(), (hostEnd < 0) ? url.length() : hostEnd);
		if (host.indexOf(':') >= 0) {
			// a layer that adds the default port
			host = host.substring(0, host.indexOf(':'));
		}
		boolean monitor = "replica-router-monitor".equals(info.getProperty("ApplicationName"));
		StubConnection connection = StubConnection.create(url, host, host.contains("replica"), monitor);
		connections.add(connection);
		return connection;
	}

	@Override
	public boolean acceptsURL(String url) {
		return url != null && url.startsWith(URL_PREFIX);
	}

	@Override
	public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
		return new DriverPropertyInfo[0];
	}

	@Override
	public int getMajorVersion() {
		return 1;
	}

	@Override
	public int getMinorVersion() {
		return 0;
	}

	@Override
	public boolean jdbcCompliant() {
		return false;
	}

	@Override
	public Logger getParentLogger() throws SQLFeatureNotSupportedException {
		throw new SQLFeatureNotSupportedException();
	}

	/**
	 * Return what the application's connections to a node did so far; the health monitor's
	 * own connections are left out.
	 * @param host the node's host, for example {@code stub-primary}
	 * @return statements and round trips
	 */
	public static Counts counts(String host) {
		long statements = 0;
		long roundTrips = 0;
		for (StubConnection connection : connections) {
			if (connection.host().equals(host) && !connection.isMonitor()) {
				statements += connection.statements();
				roundTrips += connection.roundTrips();
			}
		}
		return new Counts(statements, roundTrips);
	}

	/**
	 * Statements run and round trips made.
	 * @param statements statements executed
	 * @param roundTrips round trips a PostgreSQL driver would have made: statements plus
	 * commits and rollbacks of open transactions and validity checks
	 */
	public record Counts(long statements, long roundTrips) {

		/**
		 * Return what happened since an earlier reading.
		 * @param before the earlier reading
		 * @return the difference
		 */
		public Counts minus(Counts before) {
			return new Counts(this.statements - before.statements, this.roundTrips - before.roundTrips);
		}

	}

}
