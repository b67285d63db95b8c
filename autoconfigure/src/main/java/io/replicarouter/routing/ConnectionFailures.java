package io.replicarouter.routing;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

import org.springframework.transaction.TransactionSystemException;

/**
 * Classifies failures of read-only work on a replica.
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
		for (Throwable ex : related(failure)) {
			if (ex instanceof NoEligibleReplicaException || ex instanceof PrimaryUnavailableException
					|| ex instanceof FallbackLimitException) {
				return false;
			}
			if (ex instanceof TransactionSystemException) {
				// Commit or rollback of a read-only transaction failed: its connection broke.
				return true;
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
	 * Return whether taking a connection failed because the node could not be reached, as
	 * opposed to a pool that had no connection free in time: the failure, or the last
	 * connection attempt a pool's timeout carries, is a connection exception (SQLSTATE
	 * class 08, 57P01-57P03) or a network error.
	 * @param failure what taking the connection threw
	 * @return whether the node could not be reached
	 */
	static boolean isUnreachable(Throwable failure) {
		for (Throwable ex : related(failure)) {
			if (ex instanceof java.net.ConnectException || ex instanceof java.net.NoRouteToHostException
					|| ex instanceof java.net.UnknownHostException) {
				return true;
			}
			if (ex instanceof SQLException sql) {
				String state = sql.getSQLState();
				if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
						|| state.equals("57P03"))) {
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
		for (Throwable ex : related(failure)) {
			if (ex instanceof SQLException sql && "40001".equals(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Describe the failure's chain of causes with their SQL states, for logs.
	 * @param failure the failure
	 * @return the description
	 */
	static String describe(Throwable failure) {
		StringBuilder description = new StringBuilder();
		for (Throwable ex : related(failure)) {
			description.append((description.length() > 0) ? " <- " : "").append(ex.getClass().getSimpleName());
			if (ex instanceof SQLException sql) {
				description.append('[').append(sql.getSQLState()).append(']');
			}
		}
		return description.toString();
	}

	/**
	 * Return the failure and what it carries: causes, suppressed exceptions, and the
	 * application exception a failed rollback or commit replaced.
	 */
	private static Set<Throwable> related(Throwable failure) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Deque<Throwable> pending = new ArrayDeque<>();
		pending.add(failure);
		while (!pending.isEmpty() && seen.size() < 32) {
			Throwable ex = pending.poll();
			if (!seen.add(ex)) {
				continue;
			}
			if (ex.getCause() != null) {
				pending.add(ex.getCause());
			}
			pending.addAll(Arrays.asList(ex.getSuppressed()));
			if (ex instanceof TransactionSystemException transaction && transaction.getApplicationException() != null) {
				pending.add(transaction.getApplicationException());
			}
		}
		return seen;
	}

}
