package io.replicarouter.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * The primary and the replicas, each with its own pool. Owns the pools: {@link #close()}
 * closes them.
 * <p>
 * The replicas are those configured, or those a topology source such as Patroni reports:
 * then they come and go while the application runs ({@link #addReplica},
 * {@link #removeReplica}), and the parts that keep something per node (health probes,
 * statistics, meters) follow through a {@link MembershipListener}. Readers always see a
 * consistent, unmodifiable list.
 */
public final class DatabaseNodes implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DatabaseNodes.class);

	private final DataSourceNode primary;

	private volatile List<DataSourceNode> replicas;

	private volatile List<DataSourceNode> all;

	private final List<MembershipListener> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Create the node set.
	 * @param primary the primary
	 * @param replicas the replicas, at least one, with unique names
	 */
	public DatabaseNodes(DataSourceNode primary, List<DataSourceNode> replicas) {
		this(primary, replicas, false);
	}

	private DatabaseNodes(DataSourceNode primary, List<DataSourceNode> replicas, boolean dynamic) {
		Assert.isTrue(primary.role() == NodeRole.PRIMARY, "'primary' must have the PRIMARY role");
		Assert.isTrue(dynamic || !replicas.isEmpty(), "'replicas' must not be empty");
		this.primary = primary;
		this.replicas = List.of();
		this.all = List.of(primary);
		replicas.forEach(this::add);
	}

	/**
	 * Create a node set whose replicas a topology source maintains: it may start with none.
	 * @param primary the primary
	 * @param replicas the replicas known at start, with unique names, possibly none
	 * @return the node set
	 */
	public static DatabaseNodes dynamic(DataSourceNode primary, List<DataSourceNode> replicas) {
		return new DatabaseNodes(primary, replicas, true);
	}

	/**
	 * Add a replica, and tell the listeners. The caller owns its pool until it removes the
	 * replica again.
	 * @param replica a replica whose name no node has
	 */
	public void addReplica(DataSourceNode replica) {
		add(replica);
		this.listeners.forEach((listener) -> listener.nodeAdded(replica));
	}

	private synchronized void add(DataSourceNode replica) {
		Assert.isTrue(replica.role() == NodeRole.REPLICA, "'replicas' must all have the REPLICA role");
		Assert.isTrue(this.all.stream().noneMatch((node) -> node.name().equals(replica.name())),
				() -> "Node names must be unique: " + replica.name());
		List<DataSourceNode> replicas = new ArrayList<>(this.replicas);
		replicas.add(replica);
		publish(replicas);
	}

	/**
	 * Remove a replica, and tell the listeners: from now on no read chooses it, while work
	 * that already runs on it goes on. Its pool is not closed here.
	 * @param replica the replica
	 * @return whether it was one of the replicas
	 */
	public boolean removeReplica(DataSourceNode replica) {
		synchronized (this) {
			List<DataSourceNode> replicas = new ArrayList<>(this.replicas);
			if (!replicas.remove(replica)) {
				return false;
			}
			publish(replicas);
		}
		this.listeners.forEach((listener) -> listener.nodeRemoved(replica));
		return true;
	}

	private void publish(List<DataSourceNode> replicas) {
		List<DataSourceNode> all = new ArrayList<>();
		all.add(this.primary);
		all.addAll(replicas);
		this.replicas = List.copyOf(replicas);
		this.all = Collections.unmodifiableList(all);
	}

	/**
	 * Tell the listener of every replica added or removed from now on.
	 * @param listener the listener
	 */
	public void addMembershipListener(MembershipListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Return the primary.
	 * @return the primary
	 */
	public DataSourceNode primary() {
		return this.primary;
	}

	/**
	 * Return the replicas in configuration order.
	 * @return the replicas
	 */
	public List<DataSourceNode> replicas() {
		return this.replicas;
	}

	/**
	 * Return every node, the primary first.
	 * @return all nodes
	 */
	public List<DataSourceNode> all() {
		return this.all;
	}

	/**
	 * Close every node's pool that can be closed.
	 */
	@Override
	public void close() {
		for (DataSourceNode node : this.all) {
			if (node.dataSource() instanceof AutoCloseable closeable) {
				try {
					closeable.close();
				}
				catch (Exception ex) {
					logger.warn("Failed to close the pool of " + node.name() + ": " + ex.getMessage());
				}
			}
		}
	}

	@Override
	public String toString() {
		return this.all.toString();
	}

	/**
	 * Told when a replica joins or leaves the node set.
	 */
	public interface MembershipListener {

		/**
		 * A replica joined: it is in {@link DatabaseNodes#replicas()} already.
		 * @param replica the replica
		 */
		void nodeAdded(DataSourceNode replica);

		/**
		 * A replica left: it is no longer in {@link DatabaseNodes#replicas()}.
		 * @param replica the replica
		 */
		void nodeRemoved(DataSourceNode replica);

	}

}
