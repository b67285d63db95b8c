package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The physical connections in use now for read-only work that could run elsewhere, by
 * node, so that they can be aborted when their node stops answering: statements waiting
 * on it then fail at once instead of after the socket timeout (the primary has none by
 * default), and their read-only transactions run again elsewhere. Writes and reads pinned
 * to the primary are never registered: they have nowhere else to go.
 * <p>
 * Every read-only transaction registers and forgets its connection, so a node keeps them
 * in a fixed array of slots, taken and freed with compare-and-set: nothing is allocated
 * per transaction. Connections beyond the slots (a pool larger than {@value #SLOTS}) go to
 * a set.
 */
final class ConnectionsInUse {

	private static final Log logger = LogFactory.getLog(ConnectionsInUse.class);

	/**
	 * Slots per node: more than the connections of a typical pool.
	 */
	static final int SLOTS = 64;

	private final Map<DataSourceNode, InUse> connections = new ConcurrentHashMap<>();

	/**
	 * Register a connection if the work on it could run elsewhere: any connection of a
	 * replica, and one of the primary taken only because no replica could serve the read
	 * then (read-your-writes, the fallback) or as its share of the reads. A connection is
	 * registered once: {@link #remove} it before registering it again.
	 * @param node the node the connection belongs to
	 * @param reason why the connection went to that node
	 * @param connection the physical connection
	 */
	void add(DataSourceNode node, RoutingReason reason, Connection connection) {
		if (registers(node, reason)) {
			this.connections.computeIfAbsent(node, (key) -> new InUse()).add(connection);
		}
	}

	/**
	 * Forget a connection that is no longer in use.
	 * @param node the node the connection belongs to
	 * @param reason why the connection went to that node, as given to {@link #add}
	 * @param connection the physical connection
	 */
	void remove(DataSourceNode node, RoutingReason reason, Connection connection) {
		InUse inUse = registers(node, reason) ? this.connections.get(node) : null;
		if (inUse != null) {
			inUse.remove(connection);
		}
	}

	private static boolean registers(DataSourceNode node, RoutingReason reason) {
		return node.role() == NodeRole.REPLICA || reason.standsInForAReplica();
	}

	/**
	 * Abort every registered connection of a node ({@link Connection#abort}); their pool
	 * discards them.
	 * @param node the node, which stopped answering
	 * @param executor runs the aborts
	 * @return how many connections were aborted
	 */
	int abortAll(DataSourceNode node, Executor executor) {
		InUse inUse = this.connections.get(node);
		if (inUse == null) {
			return 0;
		}
		int aborted = 0;
		for (Connection connection : inUse.takeAll()) {
			try {
				connection.abort(executor);
				aborted++;
			}
			catch (SQLException | RuntimeException ex) {
				logger.debug("Could not abort a connection of " + node.name(), ex);
			}
		}
		if (aborted > 0) {
			logger.warn("Aborted " + aborted + " connection(s) in use on " + node.name()
					+ ", which stopped answering; their read-only transactions run again elsewhere");
		}
		return aborted;
	}

	/**
	 * Return how many connections of a node are registered now.
	 * @param node the node
	 * @return the count
	 */
	int count(DataSourceNode node) {
		InUse inUse = this.connections.get(node);
		return (inUse != null) ? inUse.count() : 0;
	}

	/**
	 * One node's connections in use.
	 */
	private static final class InUse {

		private final AtomicReferenceArray<Connection> slots = new AtomicReferenceArray<>(SLOTS);

		private final Set<Connection> overflow = ConcurrentHashMap.newKeySet();

		void add(Connection connection) {
			int start = home(connection);
			for (int i = 0; i < SLOTS; i++) {
				int slot = (start + i) & (SLOTS - 1);
				if (this.slots.get(slot) == null && this.slots.compareAndSet(slot, null, connection)) {
					return;
				}
			}
			this.overflow.add(connection);
		}

		void remove(Connection connection) {
			// The same walk as add's, so the slot is usually the first one looked at.
			int start = home(connection);
			for (int i = 0; i < SLOTS; i++) {
				int slot = (start + i) & (SLOTS - 1);
				if (this.slots.get(slot) == connection && this.slots.compareAndSet(slot, connection, null)) {
					return;
				}
			}
			this.overflow.remove(connection);
		}

		/**
		 * Return where a connection's walk over the slots starts: different connections
		 * start in different places, so that concurrent callers rarely race for a slot.
		 */
		private static int home(Connection connection) {
			return System.identityHashCode(connection) & (SLOTS - 1);
		}

		/**
		 * Forget every connection and return them; one taken here is not returned to
		 * another caller, and a later {@link #remove} of it does nothing.
		 */
		List<Connection> takeAll() {
			List<Connection> taken = new ArrayList<>();
			for (int slot = 0; slot < SLOTS; slot++) {
				Connection connection = this.slots.getAndSet(slot, null);
				if (connection != null) {
					taken.add(connection);
				}
			}
			for (Connection connection : this.overflow) {
				if (this.overflow.remove(connection)) {
					taken.add(connection);
				}
			}
			return taken;
		}

		int count() {
			int count = this.overflow.size();
			for (int slot = 0; slot < SLOTS; slot++) {
				count += (this.slots.get(slot) != null) ? 1 : 0;
			}
			return count;
		}

	}

}
