package io.replicarouter.replica;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.replicarouter.routing.ReplicaCandidate;
import io.replicarouter.routing.ReplicaSelector;

/**
 * Picks a candidate at random, each with the same chance.
 */
public final class RandomReplicaSelector implements ReplicaSelector {

	@Override
	public ReplicaCandidate select(List<ReplicaCandidate> candidates) {
		return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
	}

}
