package io.replicarouter.replica;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import io.replicarouter.WalPosition;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.ReplicaCandidate;
import io.replicarouter.routing.ReplicaSelector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The distribution each strategy promises, over 2,000 selections. The same promises are
 * checked against real replicas in {@code BalancingIT}.
 */
class ReplicaSelectorsTests {

	@Test
	void roundRobinSplitsEvenly() {
		Map<String, Integer> counts = run(new RoundRobinReplicaSelector(), candidate("a", 1), candidate("b", 1));
		assertThat(counts).containsEntry("a", 1000).containsEntry("b", 1000);
	}

	@Test
	void randomSplitsRoughlyEvenly() {
		Map<String, Integer> counts = run(new RandomReplicaSelector(), candidate("a", 1), candidate("b", 1));
		assertThat(counts.get("a")).isBetween(850, 1150);
		assertThat(counts.get("b")).isBetween(850, 1150);
	}

	@Test
	void weightedFollowsTheWeightsExactly() {
		Map<String, Integer> counts = run(new WeightedReplicaSelector(), candidate("a", 1), candidate("b", 3));
		assertThat(counts).containsEntry("a", 500).containsEntry("b", 1500);
	}

	@Test
	void leastLagPrefersTheReplicaFurthestAheadAndTakesTurnsOnTies() {
		Map<String, Integer> counts = run(new LeastLagReplicaSelector(), candidate("a", 1, 5000, 0),
				candidate("b", 1, 10, 0));
		assertThat(counts).containsOnlyKeys("b");
		Map<String, Integer> tied = run(new LeastLagReplicaSelector(), candidate("a", 1), candidate("b", 1));
		assertThat(tied).containsEntry("a", 1000).containsEntry("b", 1000);
	}

	@Test
	void leastConnectionsPrefersTheLeastBusyPoolAndTakesTurnsOnTies() {
		Map<String, Integer> counts = run(new LeastConnectionsReplicaSelector(), candidate("a", 1, 0, 5),
				candidate("b", 1, 0, 2));
		assertThat(counts).containsOnlyKeys("b");
		Map<String, Integer> tied = run(new LeastConnectionsReplicaSelector(), candidate("a", 1), candidate("b", 1));
		assertThat(tied).containsEntry("a", 1000).containsEntry("b", 1000);
	}

	@Test
	void everyStrategyHasASelector() {
		for (BalancingStrategy strategy : BalancingStrategy.values()) {
			ReplicaSelector selector = strategy.createSelector();
			ReplicaCandidate only = candidate("a", 1);
			assertThat(selector.select(List.of(only))).as(strategy.name()).isSameAs(only);
		}
	}

	private static Map<String, Integer> run(ReplicaSelector selector, ReplicaCandidate... candidates) {
		Map<String, Integer> counts = new TreeMap<>();
		for (int i = 0; i < 2000; i++) {
			counts.merge(selector.select(List.of(candidates)).node().name(), 1, Integer::sum);
		}
		return counts;
	}

	private static ReplicaCandidate candidate(String name, int weight) {
		return candidate(name, weight, 0, 0);
	}

	private static ReplicaCandidate candidate(String name, int weight, long lagBytes, int active) {
		DataSourceNode node = new DataSourceNode(name, NodeRole.REPLICA, mock(DataSource.class),
				"jdbc:postgresql://h/" + name, weight);
		return new ReplicaCandidate() {

			@Override
			public DataSourceNode node() {
				return node;
			}

			@Override
			public Duration lag() {
				return Duration.ofMillis(lagBytes);
			}

			@Override
			public long lagBytes() {
				return lagBytes;
			}

			@Override
			public WalPosition replayPosition() {
				return WalPosition.ZERO;
			}

			@Override
			public int activeConnections() {
				return active;
			}

		};
	}

}
