package io.replicarouter.replica;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.replicarouter.routing.ReplicaCandidate;
import io.replicarouter.routing.ReplicaSelector;

/**
 * Hands out the candidates in turn.
 */
public final class RoundRobinReplicaSelector implements ReplicaSelector {

	private final AtomicInteger next = new AtomicInteger();

	@Override
	public ReplicaCandidate select(List<ReplicaCandidate> candidates) {
		return candidates.get(Math.floorMod(this.next.getAndIncrement(), candidates.size()));
	}

}
