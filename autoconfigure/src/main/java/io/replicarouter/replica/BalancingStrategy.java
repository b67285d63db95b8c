package io.replicarouter.replica;

import io.replicarouter.routing.ReplicaSelector;

/**
 * The built-in ways of spreading read-only transactions over eligible replicas.
 */
public enum BalancingStrategy {

	/**
	 * Each replica in turn.
	 */
	ROUND_ROBIN {
		@Override
		public ReplicaSelector createSelector() {
			return new RoundRobinReplicaSelector();
		}
	},

	/**
	 * A replica picked at random, each with the same chance.
	 */
	RANDOM {
		@Override
		public ReplicaSelector createSelector() {
			return new RandomReplicaSelector();
		}
	},

	/**
	 * Each replica in proportion to its {@code weight}.
	 */
	WEIGHTED {
		@Override
		public ReplicaSelector createSelector() {
			return new WeightedReplicaSelector();
		}
	},

	/**
	 * The replica with the least lag at the last probe; ties in turn.
	 */
	LEAST_LAG {
		@Override
		public ReplicaSelector createSelector() {
			return new LeastLagReplicaSelector();
		}
	},

	/**
	 * The replica whose pool has the fewest connections in use now; ties in turn.
	 */
	LEAST_CONNECTIONS {
		@Override
		public ReplicaSelector createSelector() {
			return new LeastConnectionsReplicaSelector();
		}
	};

	/**
	 * Create a selector that implements this strategy.
	 * @return a new selector
	 */
	public abstract ReplicaSelector createSelector();

}
