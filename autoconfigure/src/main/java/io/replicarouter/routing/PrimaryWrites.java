package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.ProxyConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Commits the primary's transactions that may have written and records their writes for
 * read-your-writes ({@link ConsistencyGuard}): in the commit's own round trip where the
 * guard can, with a query after work in auto-commit mode otherwise.
 */
final class PrimaryWrites {

	private static final Log logger = LogFactory.getLog(PrimaryWrites.class);

	private final DataSourceNode primary;

	private final ConsistencyGuard consistency;

	PrimaryWrites(DataSourceNode primary, ConsistencyGuard consistency) {
		this.primary = primary;
		this.consistency = consistency;
	}

	/**
	 * Commit a transaction that may have written, and record the write.
	 * @param connection the primary's connection, in the transaction
	 * @throws SQLException if the commit fails
	 */
	void commit(Connection connection) throws SQLException {
		Connection physical = withoutHikariProxy(connection);
		try {
			if (!this.consistency.commitAndRecordWrite(physical)) {
				afterAutoCommitWork(connection);
			}
		}
		catch (SQLException ex) {
			if (physical != connection && ConnectionFailures.isNodeFailure(ex)) {
				// What Hikari's proxy would have done: a broken connection leaves the pool.
				((HikariDataSource) this.primary.dataSource()).evictConnection(connection);
			}
			throw ex;
		}
	}

	/**
	 * The driver's connection behind a connection of the primary's own Hikari pool, for the
	 * commit's one statement, closed at once: Hikari's proxy of the statement and of each of
	 * its result sets would cost every write three objects and add nothing but eviction on
	 * a broken connection, which {@link #commit} does itself. A connection that anything
	 * else wraps (a tracing or logging proxy of the pool) is used as it is, so that such
	 * tools still see the commit.
	 */
	private Connection withoutHikariProxy(Connection connection) throws SQLException {
		if (connection instanceof ProxyConnection && this.primary.dataSource() instanceof HikariDataSource) {
			return connection.unwrap(Connection.class);
		}
		return connection;
	}

	/**
	 * Record the write of work that may have written, released in auto-commit mode or
	 * committed without {@link #commit}.
	 * @param connection the primary's connection, idle
	 */
	void afterAutoCommitWork(Connection connection) {
		try {
			if (!this.consistency.queriesAfterWrite() || connection.getAutoCommit()) {
				this.consistency.afterWrite(connection);
				return;
			}
			// Idle after commit, so switching costs no round trip and the query opens no
			// transaction.
			connection.setAutoCommit(true);
			try {
				this.consistency.afterWrite(connection);
			}
			finally {
				connection.setAutoCommit(false);
			}
		}
		catch (SQLException ex) {
			logger.warn("Could not record a write for read-your-writes: " + ex.getMessage());
		}
	}

}
