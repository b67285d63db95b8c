package io.replicarouter.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * The primary and the replicas, each with its own pool. Owns the pools: {@link #close()}
 * closes them.
 */
public final class DatabaseNodes implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(DatabaseNodes.class);

	private final DataSourceNode primary;

	private final List<DataSourceNode> replicas;

	private final List<DataSourceNode> all;

	/**
	 * Create the node set.
	 * @param primary the primary
	 * @param replicas the replicas, at least one, with unique names
	 */
	public DatabaseNodes(DataSourceNode primary, List<DataSourceNode> replicas) {
		Assert.isTrue(primary.role() == NodeRole.PRIMARY, "'primary' must have the PRIMARY role");
		Assert.notEmpty(replicas, "'replicas' must not be empty");
		Assert.isTrue(replicas.stream().allMatch((replica) -> replica.role() == NodeRole.REPLICA),
				"'replicas' must all have the REPLICA role");
		this.primary = primary;
		this.replicas = List.copyOf(replicas);
		List<DataSourceNode> all = new ArrayList<>();
		all.add(primary);
		all.addAll(replicas);
		Assert.isTrue(all.stream().map(DataSourceNode::name).distinct().count() == all.size(),
				"Node names must be unique");
		this.all = Collections.unmodifiableList(all);
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

}
