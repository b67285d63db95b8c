package io.replicarouter.routing;

import java.util.List;

/**
 * Chooses the replica that serves the next read-only transaction: the balancing
 * strategy. Define a bean of this type to replace the configured
 * {@code replica-router.balancing} strategy.
 * <p>
 * Called once per read-only transaction, on the caller's thread, with the replicas that
 * are eligible now. Implementations must be thread-safe and cheap: no I/O, no blocking.
 */
@FunctionalInterface
public interface ReplicaSelector {

	/**
	 * Choose one of the candidates.
	 * @param candidates the eligible replicas, never empty; not to be modified
	 * @return the chosen candidate, one of {@code candidates}
	 */
	ReplicaCandidate select(List<ReplicaCandidate> candidates);

}
