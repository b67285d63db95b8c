package io.replicarouter.actuate;

import io.replicarouter.replica.NodeState;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;

class RoutingHealthIndicatorTests {

	@Test
	void upWhileThePrimaryWritesAndReplicasRead() {
		assertThat(RoutingHealthIndicator.status(NodeState.UP, 2)).isEqualTo(Status.UP);
		assertThat(RoutingHealthIndicator.status(NodeState.UP, 1)).isEqualTo(Status.UP);
	}

	@Test
	void degradedWhileThePrimaryWorksWithoutAReplicaInRotation() {
		assertThat(RoutingHealthIndicator.status(NodeState.UP, 0)).isEqualTo(ReplicaRouterStatus.DEGRADED);
	}

	@Test
	void readOnlyWithoutAPrimaryWhileReplicasServe() {
		assertThat(RoutingHealthIndicator.status(NodeState.DOWN, 1)).isEqualTo(ReplicaRouterStatus.READ_ONLY);
		assertThat(RoutingHealthIndicator.status(NodeState.DEMOTED, 2)).isEqualTo(ReplicaRouterStatus.READ_ONLY);
	}

	@Test
	void downWhenNothingServes() {
		assertThat(RoutingHealthIndicator.status(NodeState.DOWN, 0)).isEqualTo(Status.DOWN);
		assertThat(RoutingHealthIndicator.status(NodeState.DEMOTED, 0)).isEqualTo(Status.DOWN);
	}

	@Test
	void unknownBeforeThePrimaryWasProbed() {
		assertThat(RoutingHealthIndicator.status(NodeState.UNKNOWN, 1)).isEqualTo(Status.UNKNOWN);
	}

}
