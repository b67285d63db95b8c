package io.replicarouter.replica;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.replicarouter.routing.ReplicaCandidate;
import io.replicarouter.routing.ReplicaSelector;

/**
 * Hands out the candidates in proportion to their weights, deterministically: over any
 * run of as many transactions as the weights add up to, each candidate gets exactly its
 * weight's share. Lock-free.
 */
public final class WeightedReplicaSelector implements ReplicaSelector {

	private final AtomicLong next = new AtomicLong();

	@Override
	public ReplicaCandidate select(List<ReplicaCandidate> candidates) {
		long total = 0;
		for (ReplicaCandidate candidate : candidates) {
			total += candidate.node().weight();
		}
		long slot = Math.floorMod(this.next.getAndIncrement(), total);
		for (ReplicaCandidate candidate : candidates) {
			slot -= candidate.node().weight();
			if (slot < 0) {
				return candidate;
			}
		}
		return candidates.get(candidates.size() - 1);
	}

}
