package io.replicarouter.routing;

import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.replicarouter.replica.RoundRobinReplicaSelector;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Replica groups in the routing decision: ordinary reads stay in the default group, a read
 * asking for a group reads there, and the group's fallback applies when none of its
 * replicas can serve.
 */
class GroupRoutingTests {

	private final DataSourceNode primary = RoutedReads.node("primary", NodeRole.PRIMARY, null, DataSourceNode.DEFAULT_GROUP);

	private final DataSourceNode app1 = RoutedReads.node("app-1", NodeRole.REPLICA, null, DataSourceNode.DEFAULT_GROUP);

	private final DataSourceNode app2 = RoutedReads.node("app-2", NodeRole.REPLICA, null, DataSourceNode.DEFAULT_GROUP);

	private final DataSourceNode analytics = RoutedReads.node("analytics", NodeRole.REPLICA, null, "analytics");

	private final Topology topology = new Topology(List.of(this.app1, this.app2, this.analytics));

	@Test
	void ordinaryReadsNeverReachAnotherGroupAndReadsAskingForOneReadOnlyThere() {
		ReplicaRoutingDataSource router = router(Fallback.PRIMARY);
		assertThat(RoutedReads.servedBy(router, 60)).containsOnlyKeys("app-1", "app-2");
		assertThat(ReplicaReads.inGroup("analytics", () -> RoutedReads.servedBy(router, 30))).containsOnlyKeys("analytics");
	}

	@Test
	void aGroupWithoutReplicasInRotationFailsByDefaultAndNeverLandsOnThePrimary() {
		this.topology.eligible = List.of(this.app1, this.app2);
		ReplicaRoutingDataSource router = router(Fallback.PRIMARY);
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> ReplicaReads.inGroup("analytics", () -> RoutedReads.servedBy(router, 1)))
			.havingCause()
			.isInstanceOf(NoEligibleReplicaException.class)
			.withMessageContaining("group 'analytics'")
			.withMessageContaining("replica-router.groups.analytics.fallback=fail");
		assertThat(RoutedReads.servedBy(router, 10)).as("ordinary reads are unaffected").containsOnlyKeys("app-1", "app-2");
	}

	@Test
	void aGroupFallsBackToAnotherGroupOrThePrimaryWhenConfiguredSo() {
		this.topology.eligible = List.of(this.app1, this.app2);
		ReplicaRoutingDataSource router = router(Fallback.PRIMARY);
		router.setGroupFallbacks(Map.of("analytics", DataSourceNode.DEFAULT_GROUP));
		assertThat(ReplicaReads.inGroup("analytics", () -> RoutedReads.servedBy(router, 10))).containsOnlyKeys("app-1", "app-2");
		router.setGroupFallbacks(Map.of("analytics", ReplicaRoutingDataSource.FALLBACK_PRIMARY));
		assertThat(ReplicaReads.inGroup("analytics", () -> RoutedReads.servedBy(router, 3))).containsOnlyKeys("primary");
	}

	@Test
	void theDefaultGroupFollowsTheGlobalFallbackUnlessItHasItsOwn() {
		this.topology.eligible = List.of(this.analytics);
		assertThat(RoutedReads.servedBy(router(Fallback.PRIMARY), 3)).containsOnlyKeys("primary");
		ReplicaRoutingDataSource failing = router(Fallback.FAIL);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> RoutedReads.servedBy(failing, 1))
			.havingCause()
			.isInstanceOf(NoEligibleReplicaException.class)
			.withMessageContaining("replica-router.fallback=fail");
		ReplicaRoutingDataSource toAnalytics = router(Fallback.FAIL);
		toAnalytics.setGroupFallbacks(Map.of(DataSourceNode.DEFAULT_GROUP, "analytics"));
		assertThat(RoutedReads.servedBy(toAnalytics, 3)).containsOnlyKeys("analytics");
	}

	@Test
	void thePrimarysShareOfReadsIsTheDefaultGroupsOnly() {
		ReplicaRoutingDataSource router = router(Fallback.PRIMARY);
		router.setPrimaryReadWeight(1_000_000);
		assertThat(ReplicaReads.inGroup("analytics", () -> RoutedReads.servedBy(router, 20))).containsOnlyKeys("analytics");
	}

	@Test
	void aGroupAndABoundNestEachTheInnermostWinning() {
		ReplicaReads.inGroup("analytics", () -> {
			assertThat(ReplicaReads.group()).isEqualTo("analytics");
			ReplicaReads.withMaxLag(java.time.Duration.ofSeconds(30), () -> {
				assertThat(ReplicaReads.group()).as("kept from the enclosing").isEqualTo("analytics");
				assertThat(ReplicaReads.maxLag()).isEqualTo(java.time.Duration.ofSeconds(30));
				ReplicaReads.inGroup("default", () -> {
					assertThat(ReplicaReads.group()).isEqualTo("default");
					assertThat(ReplicaReads.maxLag()).isEqualTo(java.time.Duration.ofSeconds(30));
				});
			});
			assertThat(ReplicaReads.maxLag()).isNull();
		});
		assertThat(ReplicaReads.current()).isNull();
	}

	@Test
	void groupsFallingBackToEachOtherInACycleAreRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> router(Fallback.PRIMARY)
				.setGroupFallbacks(Map.of("analytics", "default", "default", "analytics")))
			.withMessageContaining("cycle");
	}

	@Test
	void aGroupCanBalanceOnItsOwn() {
		DataSourceNode analytics2 = RoutedReads.node("analytics-2", NodeRole.REPLICA, null, "analytics");
		this.topology.eligible = List.of(this.app1, this.analytics, analytics2);
		ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(
				new DatabaseNodes(this.primary, List.of(this.app1, this.analytics, analytics2)), this.topology,
				new RoundRobinReplicaSelector(), Fallback.PRIMARY, NonTransactionalReads.PRIMARY, true,
				ConsistencyGuard.NONE);
		router.setGroupSelectors(Map.of("analytics", (candidates) -> candidates.get(candidates.size() - 1)));
		assertThat(ReplicaReads.inGroup("analytics", () -> RoutedReads.servedBy(router, 10))).containsOnlyKeys("analytics-2");
	}

	private ReplicaRoutingDataSource router(Fallback fallback) {
		return new ReplicaRoutingDataSource(
				new DatabaseNodes(this.primary, List.of(this.app1, this.app2, this.analytics)), this.topology,
				new RoundRobinReplicaSelector(), fallback, NonTransactionalReads.PRIMARY, true, ConsistencyGuard.NONE);
	}

	private static final class Topology implements RoutingTopology {

		private volatile List<DataSourceNode> eligible;

		Topology(List<DataSourceNode> eligible) {
			this.eligible = eligible;
		}

		@Override
		public List<ReplicaCandidate> eligibleReplicas() {
			return RoutingTopology.allEligible(this.eligible).eligibleReplicas();
		}

		@Override
		public @Nullable String primaryUnavailableReason() {
			return null;
		}

		@Override
		public String describeIneligibleReplicas() {
			return "analytics down";
		}

		@Override
		public void reportFailure(DataSourceNode node, Throwable failure) {
		}

	}

}
