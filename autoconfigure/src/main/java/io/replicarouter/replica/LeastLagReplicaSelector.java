package io.replicarouter.replica;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.replicarouter.routing.ReplicaCandidate;
import io.replicarouter.routing.ReplicaSelector;

/**
 * Picks the candidate that was least behind the primary at the last probe (bytes of WAL
 * left to replay, then time). Candidates that are equally far behind, as caught-up
 * replicas all are, take turns.
 */
public final class LeastLagReplicaSelector implements ReplicaSelector {

	private final AtomicInteger next = new AtomicInteger();

	@Override
	public ReplicaCandidate select(List<ReplicaCandidate> candidates) {
		int size = candidates.size();
		int offset = Math.floorMod(this.next.getAndIncrement(), size);
		ReplicaCandidate best = candidates.get(offset);
		for (int i = 1; i < size; i++) {
			ReplicaCandidate candidate = candidates.get((offset + i) % size);
			int byBytes = Long.compare(candidate.lagBytes(), best.lagBytes());
			if (byBytes < 0 || (byBytes == 0 && candidate.lag().compareTo(best.lag()) < 0)) {
				best = candidate;
			}
		}
		return best;
	}

}
