package io.replicarouter.routing;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What the router needs to know about the health of the nodes. Implementations answer
 * from cached state: every method is called on the transaction path and must not do I/O.
 */
public interface RoutingTopology {

	/**
	 * Return the replicas that may serve read-only transactions now.
	 * @return the eligible replicas, possibly empty; not to be modified
	 */
	List<ReplicaCandidate> eligibleReplicas();

	/**
	 * Return the replicas that can serve a read accepting at most the given replication
	 * lag: those answering probes (in rotation or out of it only for their lag) whose lag
	 * at the last probe is within the bound ({@link ReplicaReads}).
	 * @param maxLag the bound
	 * @return the replicas, in configuration order
	 */
	default List<ReplicaCandidate> replicasWithinLag(Duration maxLag) {
		return eligibleReplicas().stream().filter((replica) -> replica.lag().compareTo(maxLag) <= 0).toList();
	}

	/**
	 * Return why writes cannot run on the primary now, for example because it is in
	 * recovery (demoted).
	 * @return the reason, or {@code null} when the primary may take writes
	 */
	@Nullable String primaryUnavailableReason();

	/**
	 * Return the primary's outage while the primary is known to be unreachable (its probes
	 * fail), so that work that can only run there fails fast instead of waiting for the
	 * primary pool's connection timeout.
	 * @return the outage, or {@code null} while the primary is not known to be down
	 */
	default @Nullable PrimaryOutage primaryOutage() {
		return null;
	}

	/**
	 * Describe why no replica is eligible, for error messages.
	 * @return a sentence naming each replica and why it is out of rotation
	 */
	String describeIneligibleReplicas();

	/**
	 * Report that work on a node failed in a way that shows the node is unreachable. The
	 * node is taken out of rotation until a probe finds it healthy again.
	 * @param node the node
	 * @param failure what failed
	 */
	void reportFailure(DataSourceNode node, Throwable failure);

	/**
	 * Return a topology in which every replica is always eligible, for use without a
	 * health monitor.
	 * @param replicas the replicas
	 * @return the topology
	 */
	static RoutingTopology allEligible(List<DataSourceNode> replicas) {
		return new StaticRoutingTopology(replicas);
	}

}
