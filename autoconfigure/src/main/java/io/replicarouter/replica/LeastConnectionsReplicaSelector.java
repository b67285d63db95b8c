package io.replicarouter.replica;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.replicarouter.routing.ReplicaCandidate;
import io.replicarouter.routing.ReplicaSelector;

/**
 * Picks the candidate whose pool has the fewest connections in use now. Candidates with
 * as many take turns.
 */
public final class LeastConnectionsReplicaSelector implements ReplicaSelector {

	private final AtomicInteger next = new AtomicInteger();

	@Override
	public ReplicaCandidate select(List<ReplicaCandidate> candidates) {
		int size = candidates.size();
		int offset = Math.floorMod(this.next.getAndIncrement(), size);
		ReplicaCandidate best = candidates.get(offset);
		int fewest = best.activeConnections();
		for (int i = 1; i < size; i++) {
			ReplicaCandidate candidate = candidates.get((offset + i) % size);
			int active = candidate.activeConnections();
			if (active < fewest) {
				best = candidate;
				fewest = active;
			}
		}
		return best;
	}

}
