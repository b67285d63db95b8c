package io.replicarouter.routing;

import java.util.List;

/**
 * Chooses the replica that serves the next read-only transaction.
 * <p>
 * Implementations are called once per read-only transaction, on the caller's thread,
 * and must be thread-safe and cheap: no I/O.
 */
@FunctionalInterface
public interface ReplicaSelector {

	/**
	 * Choose one of the candidates.
	 * @param candidates the replicas that may serve the transaction, never empty
	 * @return the chosen replica, one of {@code candidates}
	 */
	DataSourceNode select(List<DataSourceNode> candidates);

}
