package io.replicarouter.routing;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

import org.jspecify.annotations.Nullable;

/**
 * Classifies failures of work on a replica.
 */
final class ConnectionFailures {

	private ConnectionFailures() {
	}

	/**
	 * Return whether the failure shows that the node could not be reached or went away:
	 * SQLSTATE class 08 (connection exception), 57P01-57P03 (shutdown, crash, cannot connect
	 * now), or the JDBC connection exception types.
	 * @param failure the failure, as thrown to the caller
	 * @return whether the node failed
	 */
	static boolean isNodeFailure(Throwable failure) {
		for (Throwable ex = failure; ex != null; ex = cause(ex)) {
			if (ex instanceof NoEligibleReplicaException || ex instanceof PrimaryUnavailableException) {
				return false;
			}
			if (ex instanceof SQLException sql) {
				String state = sql.getSQLState();
				if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
						|| state.equals("57P03"))) {
					return true;
				}
				if (sql instanceof SQLRecoverableException || sql instanceof SQLNonTransientConnectionException
						|| sql instanceof SQLTransientConnectionException) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Return whether the failure is a hot-standby conflict: the replica cancelled the query
	 * because replay needed what it used (SQLSTATE 40001 on a standby). The node is fine,
	 * the transaction can simply run again.
	 * @param failure the failure
	 * @return whether it is a recovery conflict
	 */
	static boolean isRecoveryConflict(Throwable failure) {
		for (Throwable ex = failure; ex != null; ex = cause(ex)) {
			if (ex instanceof SQLException sql && "40001".equals(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Throwable cause(Throwable ex) {
		Throwable cause = ex.getCause();
		return (cause != ex) ? cause : null;
	}

}
