package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.replicarouter.WalPosition;
import io.replicarouter.replica.RoundRobinReplicaSelector;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Per-read staleness bounds ({@link ReplicaReads}) and zone affinity in the routing
 * decision, against stub pools and a topology of known lags.
 */
class ReplicaReadRoutingTests {

	private final DataSourceNode primary = RoutedReads.node("primary", NodeRole.PRIMARY, null, DataSourceNode.DEFAULT_GROUP);

	private final DataSourceNode fresh = RoutedReads.node("fresh", NodeRole.REPLICA, "zone-a", DataSourceNode.DEFAULT_GROUP);

	private final DataSourceNode behind = RoutedReads.node("behind", NodeRole.REPLICA, "zone-a", DataSourceNode.DEFAULT_GROUP);

	private final DataSourceNode far = RoutedReads.node("far", NodeRole.REPLICA, "zone-b", DataSourceNode.DEFAULT_GROUP);

	@Test
	void aTightBoundSkipsReplicasFurtherBehindAndALooseOneReachesReplicasOutOfRotation() throws SQLException {
		// in rotation: fresh (100 ms behind), behind (3 s); out of rotation for its lag: far (8 s)
		Topology topology = new Topology(List.of(candidate(this.fresh, 100), candidate(this.behind, 3000)),
				List.of(candidate(this.far, 8000)));
		ReplicaRoutingDataSource router = router(topology, Fallback.PRIMARY);
		assertThat(RoutedReads.servedBy(router, 40)).containsOnlyKeys("behind", "fresh");
		assertThat(ReplicaReads.withMaxLag(Duration.ofSeconds(1), () -> RoutedReads.servedBy(router, 40)))
			.containsOnlyKeys("fresh");
		assertThat(ReplicaReads.withMaxLag(Duration.ofSeconds(10), () -> RoutedReads.servedBy(router, 60)))
			.containsOnlyKeys("behind", "far", "fresh");
	}

	@Test
	void withNoReplicaWithinTheBoundTheFallbackApplies() throws SQLException {
		Topology topology = new Topology(List.of(candidate(this.behind, 3000)), List.of());
		assertThat(ReplicaReads.withMaxLag(Duration.ofSeconds(1), () -> RoutedReads.servedBy(router(topology, Fallback.PRIMARY), 3)))
			.containsOnlyKeys("primary");
		ReplicaRoutingDataSource failing = router(topology, Fallback.FAIL);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> ReplicaReads.withMaxLagChecked(Duration.ofMillis(500), () -> RoutedReads.servedBy(failing, 1)))
			.havingCause()
			.isInstanceOf(NoEligibleReplicaException.class)
			.withMessageContaining("staleness bound")
			.withMessageContaining("500 ms");
	}

	@Test
	void thePrimaryPinWinsOverABound() throws SQLException {
		Topology topology = new Topology(List.of(candidate(this.fresh, 0)), List.of());
		ReplicaRoutingDataSource router = router(topology, Fallback.PRIMARY);
		assertThat(ReplicaReads.withMaxLag(Duration.ofSeconds(10), () -> PrimaryReads.call(() -> RoutedReads.servedBy(router, 3))))
			.containsOnlyKeys("primary");
	}

	@Test
	void boundsNestAndTheInnermostWins() {
		assertThat(ReplicaReads.maxLag()).isNull();
		ReplicaReads.withMaxLag(Duration.ofSeconds(30), () -> {
			assertThat(ReplicaReads.maxLag()).isEqualTo(Duration.ofSeconds(30));
			ReplicaReads.withMaxLag(Duration.ofSeconds(1),
					() -> assertThat(ReplicaReads.maxLag()).isEqualTo(Duration.ofSeconds(1)));
			assertThat(ReplicaReads.maxLag()).isEqualTo(Duration.ofSeconds(30));
		});
		assertThat(ReplicaReads.maxLag()).isNull();
	}

	@Test
	void aNegativeBoundIsRefused() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> ReplicaReads.withMaxLag(Duration.ofSeconds(-1), () -> 1))
			.withMessageContaining("must not be negative");
	}

	@Test
	void replicasOfTheApplicationsZoneServeItsReadsWhileAnyIsInRotation() throws SQLException {
		Topology topology = new Topology(List.of(candidate(this.fresh, 0), candidate(this.behind, 0),
				candidate(this.far, 0)), List.of());
		ReplicaRoutingDataSource router = router(topology, Fallback.PRIMARY);
		assertThat(RoutedReads.servedBy(router, 30)).containsOnlyKeys("behind", "far", "fresh");
		router.setZone("zone-a");
		assertThat(RoutedReads.servedBy(router, 30)).containsOnlyKeys("behind", "fresh");
		topology.eligible = List.of(candidate(this.far, 0));
		assertThat(RoutedReads.servedBy(router, 10)).as("none of its zone left: the other zone's").containsOnlyKeys("far");
		router.setZone("zone-c");
		topology.eligible = List.of(candidate(this.fresh, 0), candidate(this.far, 0));
		assertThat(RoutedReads.servedBy(router, 30)).as("no replica in its zone: every one alike").containsOnlyKeys("far", "fresh");
	}

	@Test
	void aReplicaOfTheZoneThatCannotGiveAConnectionSpillsTheReadOverToAnotherZone() throws SQLException {
		Topology topology = new Topology(List.of(candidate(this.fresh, 0), candidate(this.far, 0)), List.of());
		given(this.fresh.dataSource().getConnection()).willThrow(new SQLException("refused", "08001"));
		ReplicaRoutingDataSource router = router(topology, Fallback.PRIMARY);
		router.setZone("zone-a");
		assertThat(RoutedReads.servedBy(router, 5)).containsOnlyKeys("far");
	}

	private ReplicaRoutingDataSource router(RoutingTopology topology, Fallback fallback) {
		return new ReplicaRoutingDataSource(
				new DatabaseNodes(this.primary, List.of(this.fresh, this.behind, this.far)), topology,
				new RoundRobinReplicaSelector(), fallback, NonTransactionalReads.PRIMARY, true, ConsistencyGuard.NONE);
	}

	private static ReplicaCandidate candidate(DataSourceNode node, long lagMillis) {
		return new Candidate(node, Duration.ofMillis(lagMillis));
	}

	private record Candidate(DataSourceNode node, Duration lag) implements ReplicaCandidate {

		@Override
		public long lagBytes() {
			return 0;
		}

		@Override
		public WalPosition replayPosition() {
			return WalPosition.of(1000);
		}

		@Override
		public int activeConnections() {
			return 0;
		}

	}

	/**
	 * Replicas in rotation, and replicas out of it only for their lag.
	 */
	private static final class Topology implements RoutingTopology {

		private volatile List<ReplicaCandidate> eligible;

		private final List<ReplicaCandidate> lagging;

		Topology(List<ReplicaCandidate> eligible, List<ReplicaCandidate> lagging) {
			this.eligible = eligible;
			this.lagging = lagging;
		}

		@Override
		public List<ReplicaCandidate> eligibleReplicas() {
			return this.eligible;
		}

		@Override
		public List<ReplicaCandidate> replicasWithinLag(Duration maxLag) {
			return java.util.stream.Stream.concat(this.eligible.stream(), this.lagging.stream())
				.filter((replica) -> replica.lag().compareTo(maxLag) <= 0)
				.toList();
		}

		@Override
		public @Nullable String primaryUnavailableReason() {
			return null;
		}

		@Override
		public String describeIneligibleReplicas() {
			return "far lagging";
		}

		@Override
		public void reportFailure(DataSourceNode node, Throwable failure) {
		}

	}

}
