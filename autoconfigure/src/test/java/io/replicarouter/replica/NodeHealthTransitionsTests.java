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
				new SQLException("Connection refused", "08001"));
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
