package io.replicarouter.jdbc;

import java.time.Duration;
import java.util.Locale;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The server-side statement timeout of replica pools: PostgreSQL's
 * {@code statement_timeout}, sent in the driver's {@code options} startup parameter
 * ({@code -c statement_timeout=<ms>}) when each replica connection opens. A statement
 * that runs longer is cancelled by the server (SQLSTATE 57014): the query fails, the
 * connection and the replica stay healthy.
 * <p>
 * The user's own settings win: {@code options} in the replica's URL (the driver prefers it
 * over data source properties), {@code options} in {@code data-source-properties} that
 * already sets {@code statement_timeout}, and a {@code SET statement_timeout} in
 * {@code connection-init-sql} (it runs after the connection opened). Options the user set
 * for other parameters keep them, the timeout added. Behind PgBouncer in transaction mode
 * the startup parameter is not sent: PgBouncer rejects {@code options} it does not track.
 */
public final class StatementTimeouts {

	/** The driver's property for the startup options. */
	public static final String OPTIONS = "options";

	/**
	 * How much longer than the statement timeout the socket timeout must be, so that the
	 * server's cancel reaches the driver before the socket gives up.
	 */
	public static final Duration SOCKET_MARGIN = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(StatementTimeouts.class);

	private StatementTimeouts() {
	}

	/**
	 * Return the socket timeout a replica gets: the configured one, but never less than the
	 * statement timeout plus {@link #SOCKET_MARGIN}.
	 * @param socket the configured socket timeout
	 * @param statement the statement timeout, zero for none
	 * @return the socket timeout
	 */
	public static Duration socketTimeout(Duration socket, Duration statement) {
		if (statement.isZero() || statement.isNegative()) {
			return socket;
		}
		Duration floor = statement.plus(SOCKET_MARGIN);
		return (socket.compareTo(floor) >= 0) ? socket : floor;
	}

	/**
	 * Return the {@code options} value that sets the statement timeout.
	 * @param statement the timeout, positive
	 * @return the options
	 */
	public static String options(Duration statement) {
		return "-c statement_timeout=" + Math.max(1, statement.toMillis());
	}

	/**
	 * Set the statement timeout as a default, before the user's settings are bound.
	 * @param pool an unstarted pool
	 * @param statement the timeout, zero for none
	 */
	public static void applyDefault(HikariDataSource pool, Duration statement) {
		if (statement.toMillis() > 0) {
			pool.addDataSourceProperty(OPTIONS, options(statement));
		}
	}

	/**
	 * Reconcile the default with what the user set, once every setting is bound: options
	 * the user set for other parameters get the timeout added; behind PgBouncer the startup
	 * parameter is dropped.
	 * @param pool an unstarted pool
	 * @param statement the timeout, zero for none
	 * @param pgBouncer whether the node is reached through PgBouncer in transaction mode
	 * @param property the property that sets the timeout, for the log
	 */
	public static void reconcile(HikariDataSource pool, Duration statement, boolean pgBouncer, String property) {
		if (statement.toMillis() <= 0) {
			return;
		}
		String ours = options(statement);
		Object current = pool.getDataSourceProperties().get(OPTIONS);
		if (pgBouncer) {
			if (ours.equals(current)) {
				pool.getDataSourceProperties().remove(OPTIONS);
				logger.info(pool.getPoolName() + ": replica-router does not send statement_timeout through PgBouncer"
						+ " (it rejects an 'options' startup parameter it does not track). Set statement_timeout on the"
						+ " replica instead (postgresql.conf of the replica, or ALTER ROLE ... SET statement_timeout),"
						+ " or set " + property + "=0 to silence this message.");
			}
			return;
		}
		if (current instanceof String options && !ours.equals(options)
				&& !options.toLowerCase(Locale.ROOT).contains("statement_timeout")) {
			pool.addDataSourceProperty(OPTIONS, options.trim() + " " + ours);
		}
	}

}
