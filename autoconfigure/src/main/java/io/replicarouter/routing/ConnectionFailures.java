package io.replicarouter.routing;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
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
public final class ConnectionFailures {

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
			if (ex instanceof ConnectException || ex instanceof NoRouteToHostException
					|| ex instanceof java.net.UnknownHostException) {
				return true;
			}
			if (ex instanceof SQLException sql && isConnectionState(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether the failure is a pool that had no connection free in time: Hikari's
	 * "Connection is not available, request timed out" (a
	 * {@link SQLTransientConnectionException}) with no connection failure among its causes.
	 * The node is busy, not down: skip it for this read, but do not take it out of rotation.
	 * When Hikari could not connect at all it makes the last connection failure the cause of
	 * its timeout (and copies its SQLSTATE): such a timeout is a node failure.
	 * @param failure the failure
	 * @return whether the node's pool was only busy
	 */
	static boolean isPoolBusy(Throwable failure) {
		if (!(failure instanceof SQLTransientConnectionException)) {
			return false;
		}
		for (Throwable ex : related(failure)) {
			if (ex == failure) {
				continue;
			}
			if (ex instanceof java.io.IOException) {
				return false;
			}
			if (ex instanceof SQLException sql && isConnectionState(sql.getSQLState())) {
				return false;
			}
			if (ex instanceof SQLRecoverableException || ex instanceof SQLNonTransientConnectionException
					|| ex instanceof SQLTransientConnectionException) {
				return false;
			}
		}
		String state = ((SQLException) failure).getSQLState();
		return !isConnectionState(state);
	}

	/**
	 * Return whether the failure shows beyond doubt that the server is gone: the connection
	 * was refused or reset, the server closed it (end of stream), the host is unreachable,
	 * or the server said it is shutting down or crashed (SQLSTATE 57P01-57P03). A timeout
	 * is never such proof: the server may only be slow.
	 * @param failure the failure
	 * @return whether the server is gone
	 */
	public static boolean isServerGone(Throwable failure) {
		if (failure instanceof SQLTransientConnectionException) {
			// A pool's borrow timeout carries the pool's last failure to connect, which may be
			// old (Hikari keeps it until a connection succeeds): no proof the server is gone now.
			return false;
		}
		for (Throwable ex : related(failure)) {
			if (ex instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().equals("57P01") || sql.getSQLState().equals("57P02")
							|| sql.getSQLState().equals("57P03"))) {
				return true;
			}
			if (ex instanceof EOFException || ex instanceof NoRouteToHostException) {
				return true;
			}
			String message = (ex.getMessage() != null) ? ex.getMessage().toLowerCase(java.util.Locale.ROOT) : "";
			if (ex instanceof ConnectException && !message.contains("timed out")) {
				return true;
			}
			if (ex instanceof SocketException
					&& (message.contains("connection reset") || message.contains("broken pipe"))) {
				return true;
			}
			if (ex instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("08")
					&& message.contains("refused")) {
				// pgjdbc's "Connection to host:port refused", also when its cause was dropped.
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether the failure says nothing about the node: the connection had already
	 * been closed on this side (SQLSTATE 08003, "This connection has been closed"), by the
	 * router aborting it, by the pool evicting it, or by the driver after an earlier error,
	 * which was reported then. Such a failure may surface long after the node recovered.
	 * @param failure the failure
	 * @return whether only a locally closed connection failed
	 */
	public static boolean isClosedLocally(Throwable failure) {
		boolean closed = false;
		for (Throwable ex : related(failure)) {
			if (ex instanceof java.io.IOException) {
				return false;
			}
			if (ex instanceof SQLException sql && sql.getSQLState() != null) {
				if (sql.getSQLState().equals("08003")) {
					closed = true;
				}
				else if (isConnectionState(sql.getSQLState())) {
					return false;
				}
			}
		}
		return closed;
	}

	/**
	 * Return whether the server cancelled the statement for running longer than its
	 * {@code statement_timeout} (or on a user's request): SQLSTATE 57014. The query failed,
	 * not the node; running it again elsewhere would only fail the same way.
	 * @param failure the failure
	 * @return whether a statement was cancelled
	 */
	public static boolean isStatementCancelled(Throwable failure) {
		for (Throwable ex : related(failure)) {
			if (ex instanceof SQLException sql && "57014".equals(sql.getSQLState())) {
				return true;
			}
		}
		return false;
	}

	private static boolean isConnectionState(@org.jspecify.annotations.Nullable String state) {
		return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
				|| state.equals("57P03"));
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
