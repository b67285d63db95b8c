package io.replicarouter.replica;

import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import io.replicarouter.WalPosition;
import io.replicarouter.replica.NodeHealthTransitions.Transition;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The health state machine on its own: probe results and failures in, next health out, time
 * from a clock the test moves. No server, no sleep.
 */
class NodeHealthTransitionsTests {

	private static final String PRIMARY_SERVER = "10.0.0.1:5432@2026-12-03 10:00:00.123456+00";

	private final MutableClock clock = new MutableClock();

	private final NodeHealthTransitions transitions = new NodeHealthTransitions(
			new HealthThresholds(Duration.ofSeconds(4), 0), this.clock);

	private final DataSourceNode primary = node("primary", NodeRole.PRIMARY);

	private final DataSourceNode replica = node("replica-1", NodeRole.REPLICA);

	@Test
	void aReplicaWithinMaxLagIsInRotationAndOneBeyondItLeaves() {
		this.transitions.primaryProbed(this.primary, primaryAt(1_000));
		this.clock.advance(Duration.ofSeconds(1));
		this.transitions.primaryProbed(this.primary, primaryAt(2_000));
		this.clock.advance(Duration.ofSeconds(3));
		NodeHealth caughtUpToTheFirst = replicaProbed(1_500, NodeHealth.unknown(this.replica));
		assertThat(caughtUpToTheFirst.state()).isEqualTo(NodeState.UP);
		assertThat(caughtUpToTheFirst.lag()).as("behind since the primary passed 1500").isEqualTo(Duration.ofSeconds(3));
		assertThat(caughtUpToTheFirst.lagBytes()).isEqualTo(500);
		this.clock.advance(Duration.ofMillis(1001));
		NodeHealth stillThere = replicaProbed(1_500, caughtUpToTheFirst);
		assertThat(stillThere.state()).isEqualTo(NodeState.LAGGING);
		assertThat(stillThere.detail()).contains("4001 ms", "max-lag 4000 ms");
	}

	@Test
	void aReplicaWithLimitsOfItsOwnStaysInRotationWhereTheCommonOnesWouldTakeItOut() {
		this.transitions.thresholds("replica-1", new HealthThresholds(Duration.ofMinutes(5), 0));
		this.transitions.primaryProbed(this.primary, primaryAt(1_000));
		this.clock.advance(Duration.ofSeconds(1));
		this.transitions.primaryProbed(this.primary, primaryAt(2_000));
		this.clock.advance(Duration.ofSeconds(30));
		NodeHealth analytics = replicaProbed(1_500, NodeHealth.unknown(this.replica));
		assertThat(analytics.lag()).isEqualTo(Duration.ofSeconds(30));
		assertThat(analytics.state()).as("30 s behind, within its group's 5 min").isEqualTo(NodeState.UP);
		this.clock.advance(Duration.ofMinutes(5));
		NodeHealth tooFar = replicaProbed(1_500, analytics);
		assertThat(tooFar.state()).isEqualTo(NodeState.LAGGING);
		assertThat(tooFar.detail()).contains("max-lag 300000 ms");
	}

	@Test
	void aLaggingReplicaRejoinsOnlyAtHalfTheLimit() {
		this.transitions.primaryProbed(this.primary, primaryAt(1_000));
		this.clock.advance(Duration.ofSeconds(3));
		NodeHealth lagging = new NodeHealth(this.replica, NodeState.LAGGING, "behind", true, WalPosition.of(900),
				WalPosition.of(900), 100,
				Duration.ofSeconds(5), null, null, 0);
		assertThat(replicaProbed(999, lagging).state()).as("3 s behind, above half of max-lag")
			.isEqualTo(NodeState.LAGGING);
		assertThat(replicaProbed(1_000, lagging).state()).as("caught up").isEqualTo(NodeState.UP);
	}

	@Test
	void aReplicaThatStopsBeingAStandbyIsMisconfigured() {
		this.transitions.primaryProbed(this.primary, primaryAt(1_000));
		NodeHealth samePrimary = this.transitions.replicaProbed(this.replica,
				new ProbeResult(false, WalPosition.of(1_000), WalPosition.UNKNOWN, WalPosition.UNKNOWN, "127.0.0.1:5432@2026-12-03 10:00:00.123456+00"),
				NodeHealth.unknown(this.replica), true);
		assertThat(samePrimary.state()).isEqualTo(NodeState.MISCONFIGURED);
		assertThat(samePrimary.detail()).contains("the primary itself");
		NodeHealth promoted = this.transitions.replicaProbed(this.replica,
				new ProbeResult(false, WalPosition.of(1_000), WalPosition.UNKNOWN, WalPosition.UNKNOWN, "10.0.0.2:5432@2026-12-03 11:00:00+00"),
				NodeHealth.unknown(this.replica), true);
		assertThat(promoted.state()).isEqualTo(NodeState.MISCONFIGURED);
		assertThat(promoted.detail()).contains("was it promoted?");
	}

	@Test
	void aReplicaBackFromDownWaitsForItsPoolToReconnect() {
		this.transitions.primaryProbed(this.primary, primaryAt(1_000));
		NodeHealth down = this.transitions.probeFailed(NodeHealth.unknown(this.replica),
				new SQLException("Connection refused", "08001"), 1);
		assertThat(down.state()).isEqualTo(NodeState.DOWN);
		assertThat(down.consecutiveFailures()).isEqualTo(1);
		ProbeResult caughtUp = new ProbeResult(true, WalPosition.UNKNOWN, WalPosition.of(1_000), WalPosition.of(1_000), "r");
		assertThat(this.transitions.replicaProbed(this.replica, caughtUp, down, false).state())
			.isEqualTo(NodeState.DOWN);
		assertThat(this.transitions.replicaProbed(this.replica, caughtUp, down, true).state()).isEqualTo(NodeState.UP);
	}

	@Test
	void aPrimaryInRecoveryIsDemotedAndAnotherServerAnsweringForItEmptiesItsPool() {
		Transition first = this.transitions.primaryProbed(this.primary, primaryAt(1_000));
		assertThat(first.next().state()).isEqualTo(NodeState.UP);
		assertThat(first.evictPool()).isFalse();
		Transition restarted = this.transitions.primaryProbed(this.primary,
				new ProbeResult(false, WalPosition.of(2_000), WalPosition.UNKNOWN, WalPosition.UNKNOWN, "10.0.0.1:5432@2026-12-03 12:00:00+00"));
		assertThat(restarted.next().state()).isEqualTo(NodeState.UP);
		assertThat(restarted.evictPool()).isTrue();
		Transition demoted = this.transitions.primaryProbed(this.primary,
				new ProbeResult(true, WalPosition.UNKNOWN, WalPosition.of(2_000), WalPosition.of(2_000), "10.0.0.1:5432@2026-12-03 12:00:00+00"));
		assertThat(demoted.next().state()).isEqualTo(NodeState.DEMOTED);
		assertThat(demoted.evictPool()).isTrue();
	}

	@Test
	void aFailureInUseSaysSoWithoutTheCredentials() {
		NodeHealth failed = this.transitions.failedInUse(NodeHealth.unknown(this.replica),
				new SQLException("could not connect to jdbc:postgresql://app:s3cret@r/db", "08001"));
		assertThat(failed.state()).isEqualTo(NodeState.DOWN);
		assertThat(failed.detail()).startsWith("failed in use: ").doesNotContain("s3cret");
		assertThat(failed.lastProbe()).isEqualTo(this.clock.instant());
	}

	@Test
	void aReplicaInRotationIsDownOnlyAfterThreeFailedProbesInARow() {
		NodeHealth up = upReplica();
		SQLException timeout = socketTimeout();
		NodeHealth once = this.transitions.probeFailed(up, timeout, 1);
		assertThat(once.state()).isEqualTo(NodeState.UP);
		assertThat(once.isEligible()).isTrue();
		assertThat(once.consecutiveFailures()).isEqualTo(1);
		assertThat(once.detail()).startsWith("streaming; suspect: 1 of 3 failures in a row");
		this.clock.advance(Duration.ofMillis(1500));
		NodeHealth twice = this.transitions.probeFailed(once, timeout, 1);
		assertThat(twice.state()).isEqualTo(NodeState.UP);
		assertThat(twice.detail()).startsWith("streaming; suspect: 2 of 3").doesNotContain("1 of 3");
		this.clock.advance(Duration.ofMillis(1500));
		NodeHealth thrice = this.transitions.probeFailed(twice, timeout, 1);
		assertThat(thrice.state()).isEqualTo(NodeState.DOWN);
		assertThat(thrice.detail()).contains("3 failures in a row");
		assertThat(thrice.lastProbe()).isEqualTo(this.clock.instant());
	}

	@Test
	void aSuccessfulProbeClearsTheCountOfFailures() {
		NodeHealth suspect = this.transitions.probeFailed(this.transitions.probeFailed(upReplica(), socketTimeout(), 1),
				socketTimeout(), 1);
		assertThat(suspect.consecutiveFailures()).isEqualTo(2);
		NodeHealth healthy = replicaProbed(1_000, suspect);
		assertThat(healthy.state()).isEqualTo(NodeState.UP);
		assertThat(healthy.consecutiveFailures()).isZero();
		assertThat(healthy.detail()).isEqualTo("streaming");
		assertThat(this.transitions.probeFailed(healthy, socketTimeout(), 1).state()).as("counting starts over")
			.isEqualTo(NodeState.UP);
	}

	@Test
	void aServerThatIsGoneIsDownAtOnce() {
		SQLException refused = new SQLException("Connection to 10.0.0.2:5432 refused.", "08001",
				new java.net.ConnectException("Connection refused"));
		SQLException reset = new SQLException("An I/O error occurred while sending to the backend.", "08006",
				new java.net.SocketException("Connection reset"));
		SQLException eof = new SQLException("An I/O error occurred while sending to the backend.", "08006",
				new java.io.EOFException());
		SQLException shutdown = new SQLException("FATAL: terminating connection due to administrator command",
				"57P01");
		for (SQLException gone : java.util.List.of(refused, reset, eof, shutdown)) {
			NodeHealth down = this.transitions.probeFailed(upReplica(), gone, 1);
			assertThat(down.state()).as(gone.getMessage()).isEqualTo(NodeState.DOWN);
			assertThat(down.detail()).contains("the server is gone");
			assertThat(this.transitions.failedInUse(upReplica(), gone).state()).isEqualTo(NodeState.DOWN);
		}
	}

	@Test
	void aFailureInUseThatIsNotCertainCountsAsOneFailure() {
		NodeHealth once = this.transitions.failedInUse(upReplica(), socketTimeout());
		assertThat(once.state()).isEqualTo(NodeState.UP);
		assertThat(once.consecutiveFailures()).isEqualTo(1);
		NodeHealth probedToo = this.transitions.probeFailed(this.transitions.probeFailed(once, socketTimeout(), 1),
				socketTimeout(), 1);
		assertThat(probedToo.state()).as("failures in use and probes count together").isEqualTo(NodeState.DOWN);
	}

	@Test
	void slowProbesDoNotTakeTheLastReplicaInRotationOut() {
		SQLException cancelled = new SQLException("ERROR: canceling statement due to user request", "57014");
		NodeHealth slow = upReplica();
		for (int i = 0; i < 5; i++) {
			slow = this.transitions.probeFailed(slow, cancelled, 0);
		}
		assertThat(slow.state()).isEqualTo(NodeState.UP);
		assertThat(slow.consecutiveFailures()).isEqualTo(5);
		assertThat(slow.detail()).contains("kept in rotation despite 5 slow probes in a row",
				"replica-router.health.min-in-rotation");
		NodeHealth withAnotherInRotation = upReplica();
		for (int i = 0; i < 3; i++) {
			withAnotherInRotation = this.transitions.probeFailed(withAnotherInRotation, cancelled, 1);
		}
		assertThat(withAnotherInRotation.state()).as("another replica stays in rotation").isEqualTo(NodeState.DOWN);
		NodeHealth unreachable = upReplica();
		for (int i = 0; i < 3; i++) {
			unreachable = this.transitions.probeFailed(unreachable, socketTimeout(), 0);
		}
		assertThat(unreachable.state()).as("a black hole is not merely slow").isEqualTo(NodeState.DOWN);
	}

	@Test
	void theFloorCanBeRaisedOrTurnedOffAndTheThresholdSet() {
		NodeHealthTransitions strict = new NodeHealthTransitions(new HealthThresholds(Duration.ofSeconds(4), 0), 1, 0,
				this.clock);
		SQLException cancelled = new SQLException("canceling statement due to user request", "57014");
		assertThat(strict.probeFailed(upReplica(), cancelled, 0).state()).isEqualTo(NodeState.DOWN);
		NodeHealthTransitions keepTwo = new NodeHealthTransitions(new HealthThresholds(Duration.ofSeconds(4), 0), 2,
				2, this.clock);
		NodeHealth slow = keepTwo.probeFailed(keepTwo.probeFailed(upReplica(), cancelled, 1), cancelled, 1);
		assertThat(slow.state()).isEqualTo(NodeState.UP);
	}

	@Test
	void aPrimaryIsDampedToo() {
		NodeHealth primary = this.transitions.primaryProbed(this.primary, primaryAt(1_000)).next();
		NodeHealth once = this.transitions.probeFailed(primary, socketTimeout(), 0);
		assertThat(once.state()).isEqualTo(NodeState.UP);
		assertThat(once.detail()).startsWith("primary; suspect: 1 of 3");
		SQLException cancelled = new SQLException("canceling statement due to user request", "57014");
		NodeHealth thrice = this.transitions.probeFailed(this.transitions.probeFailed(once, cancelled, 0), cancelled,
				0);
		assertThat(thrice.state()).as("the floor is for replicas").isEqualTo(NodeState.DOWN);
	}

	@Test
	void aNodeNeverProbedSuccessfullyIsNotEligibleAndDownAtItsFirstFailure() {
		assertThat(NodeHealth.unknown(this.replica).isEligible()).isFalse();
		NodeHealth down = this.transitions.probeFailed(NodeHealth.unknown(this.replica), socketTimeout(), 1);
		assertThat(down.state()).isEqualTo(NodeState.DOWN);
		assertThat(replicaProbed(1_000, NodeHealth.unknown(this.replica)).isEligible()).isTrue();
	}

	@Test
	void aStandbyOfAnotherClusterIsMisconfigured() {
		this.transitions.primaryProbed(this.primary, new ProbeResult(false, WalPosition.of(1_000), WalPosition.UNKNOWN,
				WalPosition.UNKNOWN, PRIMARY_SERVER, "7310000000000000001"));
		NodeHealth stranger = this.transitions.replicaProbed(this.replica,
				new ProbeResult(true, WalPosition.UNKNOWN, WalPosition.of(5_000), WalPosition.of(5_000),
						"10.0.0.9:5432@2026-12-03 09:00:00+00", "7310000000000000002"),
				NodeHealth.unknown(this.replica), true);
		assertThat(stranger.state()).isEqualTo(NodeState.MISCONFIGURED);
		assertThat(stranger.isEligible()).isFalse();
		assertThat(stranger.detail()).contains("7310000000000000002", "7310000000000000001", "another cluster",
				"pg_basebackup");
		NodeHealth sameCluster = this.transitions.replicaProbed(this.replica,
				new ProbeResult(true, WalPosition.UNKNOWN, WalPosition.of(1_000), WalPosition.of(1_000),
						"10.0.0.2:5432@2026-12-03 09:00:00+00", "7310000000000000001"),
				stranger, true);
		assertThat(sameCluster.state()).isEqualTo(NodeState.UP);
	}

	private NodeHealth upReplica() {
		this.transitions.primaryProbed(this.primary, primaryAt(1_000));
		NodeHealth up = replicaProbed(1_000, NodeHealth.unknown(this.replica));
		assertThat(up.state()).isEqualTo(NodeState.UP);
		return up;
	}

	private static SQLException socketTimeout() {
		return new SQLException("An I/O error occurred while sending to the backend.", "08006",
				new java.net.SocketTimeoutException("Read timed out"));
	}

	private NodeHealth replicaProbed(long replayLsn, NodeHealth previous) {
		return this.transitions.replicaProbed(this.replica,
				new ProbeResult(true, WalPosition.UNKNOWN, WalPosition.of(replayLsn), WalPosition.of(replayLsn), "10.0.0.2:5432@2026-12-03 09:00:00+00"),
				previous, true);
	}

	private static ProbeResult primaryAt(long lsn) {
		return new ProbeResult(false, WalPosition.of(lsn), WalPosition.UNKNOWN, WalPosition.UNKNOWN, PRIMARY_SERVER);
	}

	private static DataSourceNode node(String name, NodeRole role) {
		return new DataSourceNode(name, role, mock(DataSource.class), "jdbc:postgresql://" + name + "/db", 1);
	}

}
