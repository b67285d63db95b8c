package io.replicarouter.routing.observation;

import io.micrometer.observation.Observation;
import io.replicarouter.WalPosition;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.RoutingReason;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link RoutingObservationDocumentation#CONNECTION_BINDING} observation knows
 * about one routing decision. It starts with the route the work asked for; once a
 * connection is bound it says which node gave it, why, and the position of the data the
 * work reads. A decision that failed (no node could give a connection) keeps the requested
 * route and reason, with no node, and carries the error.
 */
public class RoutingObservationContext extends Observation.Context {

	private NodeRole route;

	private RoutingReason reason;

	private @Nullable String node;

	private @Nullable String group;

	private boolean retry;

	private WalPosition position = WalPosition.CURRENT;

	/**
	 * Create a context for a decision about to be made.
	 * @param route where the work asked to go: {@link NodeRole#REPLICA} for read-only work
	 * @param reason why it asked to go there
	 * @param group the replica group the read asked for, {@code null} where replicas are
	 * not grouped
	 * @param retry whether the work runs again after a node failed under it
	 */
	public RoutingObservationContext(NodeRole route, RoutingReason reason, @Nullable String group, boolean retry) {
		this.route = route;
		this.reason = reason;
		this.group = group;
		this.retry = retry;
	}

	/**
	 * Record the decision.
	 * @param role the role of the node the connection came from
	 * @param nodeName the node's name
	 * @param reason why the work runs there
	 * @param position the position of the data the work reads
	 */
	public void bound(NodeRole role, String nodeName, RoutingReason reason, WalPosition position) {
		this.route = role;
		this.node = nodeName;
		this.reason = reason;
		this.position = position;
	}

	/**
	 * Return where the work went, or asked to go while no connection is bound.
	 * @return the route
	 */
	public NodeRole getRoute() {
		return this.route;
	}

	/**
	 * Return why the work runs on its node, or the reason it asked with while no
	 * connection is bound.
	 * @return the reason
	 */
	public RoutingReason getReason() {
		return this.reason;
	}

	/**
	 * Return the name of the node the connection came from.
	 * @return the node's name, {@code null} until a connection is bound
	 */
	public @Nullable String getNode() {
		return this.node;
	}

	/**
	 * Return the replica group the read asked for.
	 * @return the group, {@code null} where replicas are not grouped
	 */
	public @Nullable String getGroup() {
		return this.group;
	}

	/**
	 * Return whether the work runs again after a node failed under an earlier attempt.
	 * @return whether it is a retry
	 */
	public boolean isRetry() {
		return this.retry;
	}

	/**
	 * Return the position of the data the work reads: what the replica had replayed, or
	 * {@link WalPosition#CURRENT} on the primary. High cardinality: not a key value by
	 * default.
	 * @return the position
	 */
	public WalPosition getPosition() {
		return this.position;
	}

}
