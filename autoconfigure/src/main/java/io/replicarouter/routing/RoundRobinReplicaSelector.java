package io.replicarouter.routing;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands out the candidates in turn.
 */
public final class RoundRobinReplicaSelector implements ReplicaSelector {

	private final AtomicInteger next = new AtomicInteger();

	@Override
	public DataSourceNode select(List<DataSourceNode> candidates) {
		int index = Math.floorMod(this.next.getAndIncrement(), candidates.size());
		return candidates.get(index);
	}

}
