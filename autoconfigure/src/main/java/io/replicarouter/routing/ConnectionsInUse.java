package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The physical connections in use now for read-only work that could run elsewhere, by
 * node, so that they can be aborted when their node stops answering: statements waiting
 * on it then fail at once instead of after the socket timeout (the primary has none by
 * default), and their read-only transactions run again elsewhere. Writes and reads pinned
 * to the primary are never registered: they have nowhere else to go.
 */
final class ConnectionsInUse {

	private static final Log logger = LogFactory.getLog(ConnectionsInUse.class);

	private final Map<DataSourceNode, Set<Connection>> connections = new ConcurrentHashMap<>();

	/**
	 * Register a connection if the work on it could run elsewhere: any connection of a
	 * replica, and one of the primary taken only because no replica could serve the read
	 * then (read-your-writes, the fallback) or as its share of the reads.
	 * @param node the node the connection belongs to
	 * @param reason why the connection went to that node
	 * @param connection the physical connection
	 */
	void add(DataSourceNode node, RoutingReason reason, Connection connection) {
		if (node.role() == NodeRole.REPLICA || reason.standsInForAReplica()) {
			this.connections.computeIfAbsent(node, (key) -> ConcurrentHashMap.newKeySet()).add(connection);
		}
	}

	/**
	 * Forget a connection that is no longer in use.
	 * @param node the node the connection belongs to
	 * @param connection the physical connection
	 */
	void remove(DataSourceNode node, Connection connection) {
		Set<Connection> inUse = this.connections.get(node);
		if (inUse != null) {
			inUse.remove(connection);
		}
	}

	/**
	 * Abort every registered connection of a node ({@link Connection#abort}); their pool
	 * discards them.
	 * @param node the node, which stopped answering
	 * @param executor runs the aborts
	 * @return how many connections were aborted
	 */
	int abortAll(DataSourceNode node, Executor executor) {
		Set<Connection> inUse = this.connections.get(node);
		if (inUse == null) {
			return 0;
		}
		int aborted = 0;
		for (Connection connection : inUse) {
			if (inUse.remove(connection)) {
				try {
					connection.abort(executor);
					aborted++;
				}
				catch (SQLException | RuntimeException ex) {
					logger.debug("Could not abort a connection of " + node.name(), ex);
				}
			}
		}
		if (aborted > 0) {
			logger.warn("Aborted " + aborted + " connection(s) in use on " + node.name()
					+ ", which stopped answering; their read-only transactions run again elsewhere");
		}
		return aborted;
	}

}
