package io.replicarouter.replica;

import java.time.Duration;

import io.replicarouter.WalPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WalPositionHistoryTests {

	private static final long SECOND = 1_000L;

	private final WalPositionHistory history = new WalPositionHistory();

	@Test
	void replicaThatReplayedTheLatestPositionHasNoLagHoweverLongThePrimaryIsIdle() {
		this.history.record(WalPosition.of(1000), 0);
		assertThat(this.history.lag(WalPosition.of(1000), 3600 * SECOND)).isEqualTo(Duration.ZERO);
	}

	@Test
	void lagIsTheTimeSinceThePrimaryFirstPassedTheReplayPosition() {
		this.history.record(WalPosition.of(1000), 0);
		this.history.record(WalPosition.of(2000), SECOND);
		this.history.record(WalPosition.of(3000), 2 * SECOND);
		assertThat(this.history.lag(WalPosition.of(1500), 5 * SECOND)).isEqualTo(Duration.ofSeconds(4));
		assertThat(this.history.lag(WalPosition.of(2000), 5 * SECOND)).isEqualTo(Duration.ofSeconds(3));
		assertThat(this.history.lag(WalPosition.of(2999), 5 * SECOND)).isEqualTo(Duration.ofSeconds(3));
	}

	@Test
	void lagKeepsGrowingWhileAReplicaIsStuckBehindAnIdlePrimary() {
		this.history.record(WalPosition.of(1000), 0);
		this.history.record(WalPosition.of(2000), SECOND);
		assertThat(this.history.lag(WalPosition.of(1000), 2 * SECOND)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.history.lag(WalPosition.of(1000), 60 * SECOND)).isEqualTo(Duration.ofSeconds(59));
	}

	@Test
	void unchangedPositionsAreNotRecordedTwice() {
		this.history.record(WalPosition.of(1000), 0);
		this.history.record(WalPosition.of(1000), 10 * SECOND);
		this.history.record(WalPosition.of(2000), 20 * SECOND);
		assertThat(this.history.lag(WalPosition.of(999), 30 * SECOND)).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void aPositionBelowTheLatestStartsANewHistory() {
		this.history.record(WalPosition.of(5000), 0);
		this.history.record(WalPosition.of(100), SECOND);
		assertThat(this.history.latest()).isEqualTo(WalPosition.of(100));
		assertThat(this.history.lag(WalPosition.of(50), 3 * SECOND)).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void keepsTheMostRecentChangesWhenFull() {
		for (int i = 1; i <= WalPositionHistory.CAPACITY + 10; i++) {
			this.history.record(WalPosition.of(i), i * SECOND);
		}
		assertThat(this.history.latest()).isEqualTo(WalPosition.of(WalPositionHistory.CAPACITY + 10));
		// Older than the history: the lag is the age of the oldest sample kept (position 11).
		assertThat(this.history.lag(WalPosition.of(0), (WalPositionHistory.CAPACITY + 20) * SECOND))
			.isEqualTo(Duration.ofSeconds(WalPositionHistory.CAPACITY + 20 - 11));
	}

	@Test
	void unknownPrimaryMeansNoLag() {
		assertThat(this.history.latest()).isEqualTo(WalPosition.UNKNOWN);
		assertThat(this.history.lag(WalPosition.ZERO, SECOND)).isEqualTo(Duration.ZERO);
	}

}
