package io.replicarouter.routing;

import java.time.Duration;
import java.util.List;

import io.replicarouter.WalPosition;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RoutingTopology} that knows nothing of health: every replica is eligible.
 */
final class StaticRoutingTopology implements RoutingTopology {

	private final List<ReplicaCandidate> candidates;

	StaticRoutingTopology(List<DataSourceNode> replicas) {
		this.candidates = replicas.stream().<ReplicaCandidate>map(StaticCandidate::new).toList();
	}

	@Override
	public List<ReplicaCandidate> eligibleReplicas() {
		return this.candidates;
	}

	@Override
	public @Nullable String primaryUnavailableReason() {
		return null;
	}

	@Override
	public String describeIneligibleReplicas() {
		return "no replica is configured";
	}

	@Override
	public void reportFailure(DataSourceNode node, Throwable failure) {
	}

	private record StaticCandidate(DataSourceNode node) implements ReplicaCandidate {

		@Override
		public Duration lag() {
			return Duration.ZERO;
		}

		@Override
		public long lagBytes() {
			return 0;
		}

		@Override
		public WalPosition replayPosition() {
			return WalPosition.UNKNOWN;
		}

		@Override
		public int activeConnections() {
			return 0;
		}

	}

}
