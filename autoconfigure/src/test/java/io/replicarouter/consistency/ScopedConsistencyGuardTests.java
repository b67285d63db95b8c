package io.replicarouter.consistency;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.replicarouter.WalPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

class ScopedConsistencyGuardTests {

	private static final long NOW = 1_763_000_000_000L;

	private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);

	private final ScopedConsistencyGuard lsn = new ScopedConsistencyGuard(ConsistencyMode.LSN, Duration.ZERO,
			Duration.ofSeconds(2), Duration.ofSeconds(7), this.clock);

	private final ScopedConsistencyGuard sticky = new ScopedConsistencyGuard(ConsistencyMode.STICKY, Duration.ZERO,
			Duration.ofSeconds(2), Duration.ofSeconds(7), this.clock);

	@Test
	void scopeWithoutWritesRequiresNothing() {
		inScope(ConsistencyToken.EMPTY, () -> {
			assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.ZERO);
			assertThat(this.sticky.requiredPosition()).isEqualTo(WalPosition.ZERO);
		});
	}

	@Test
	void lsnModeRequiresTheTokensPositionUntilItExpires() {
		inScope(new ConsistencyToken(WalPosition.of(500), NOW - 1000), () -> assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.of(500)));
		inScope(new ConsistencyToken(WalPosition.of(500), NOW - 8000),
				() -> assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.ZERO));
	}

	@Test
	void tokenDatedInTheFutureIsIgnoredSoNoClientCanPinItsReadsForEver() {
		inScope(new ConsistencyToken(WalPosition.of(500), NOW + 60_000),
				() -> assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.ZERO));
		inScope(new ConsistencyToken(WalPosition.of(500), NOW + 60_000),
				() -> assertThat(this.sticky.requiredPosition()).isEqualTo(WalPosition.ZERO));
	}

	@Test
	void readsNeverGoBackInTime() {
		inScope(new ConsistencyToken(WalPosition.of(500), NOW - 1000), () -> {
			this.lsn.afterRead(WalPosition.of(800));
			assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.of(800));
			this.lsn.afterRead(WalPosition.of(600));
			assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.of(800));
		});
	}

	@Test
	void stickyModeSendsReadsToThePrimaryForTheWindow() {
		inScope(new ConsistencyToken(WalPosition.UNKNOWN, NOW - 1000),
				() -> assertThat(this.sticky.requiredPosition()).isEqualTo(WalPosition.CURRENT));
		inScope(new ConsistencyToken(WalPosition.UNKNOWN, NOW - 3000),
				() -> assertThat(this.sticky.requiredPosition()).isEqualTo(WalPosition.ZERO));
	}

	@Test
	void aWriteOfUnknownPositionKeepsItsScopeOnThePrimaryAcrossATokenRoundTripAndAMerge() {
		ConsistencyToken unknown = new ConsistencyToken(WalPosition.UNKNOWN, NOW - 3000);
		ConsistencyToken afterTheRoundTrip = ConsistencyToken.parse(unknown.encode()).orElseThrow();
		ConsistencyToken merged = afterTheRoundTrip.merge(new ConsistencyToken(WalPosition.of(500), NOW - 4000));
		inScope(merged, () -> assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.CURRENT));
	}

	@Test
	void anExpiredTokenOfUnknownPositionDoesNotKeepLaterWritesOnThePrimary() throws SQLException {
		Connection primary = mock(Connection.class);
		Statement statement = mock(Statement.class);
		ResultSet result = mock(ResultSet.class);
		given(primary.createStatement()).willReturn(statement);
		given(statement.executeQuery(anyString())).willReturn(result);
		given(result.next()).willReturn(true);
		given(result.getLong(1)).willReturn(900L);
		inScope(new ConsistencyToken(WalPosition.UNKNOWN, NOW - 60_000), () -> {
			this.lsn.afterWrite(primary);
			assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.of(900));
		});
	}

	@Test
	void writeWhosePositionIsUnknownSendsReadsToThePrimaryUntilEveryReplicaInRotationHasReplayedIt() {
		// past the sticky window (2 s) but within the token lifetime (7 s): a replica may
		// still lag up to max-lag behind the write
		inScope(new ConsistencyToken(WalPosition.UNKNOWN, NOW - 3000), () -> {
			assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.CURRENT);
			assertThat(this.lsn.primaryOnlyRemaining()).isEqualTo(Duration.ofSeconds(4));
		});
		inScope(new ConsistencyToken(WalPosition.UNKNOWN, NOW - 7500), () -> {
			assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.ZERO);
			assertThat(this.lsn.primaryOnlyRemaining()).isZero();
		});
	}

	@Test
	void primaryOnlyRemainingIsTheRestOfTheStickyWindow() {
		inScope(new ConsistencyToken(WalPosition.UNKNOWN, NOW - 500),
				() -> assertThat(this.sticky.primaryOnlyRemaining()).isEqualTo(Duration.ofMillis(1500)));
		inScope(new ConsistencyToken(WalPosition.of(500), NOW - 500),
				() -> assertThat(this.lsn.primaryOnlyRemaining()).as("a known position needs no primary").isZero());
		inScope(ConsistencyToken.EMPTY, () -> assertThat(this.sticky.primaryOnlyRemaining()).isZero());
	}

	@Test
	void scopeBelongsToTheRouterThatUsedItFirst() {
		ScopedConsistencyGuard other = new ScopedConsistencyGuard(ConsistencyMode.LSN, Duration.ZERO,
				Duration.ofSeconds(2), Duration.ofSeconds(7), this.clock);
		inScope(new ConsistencyToken(WalPosition.of(500), NOW - 1000), () -> {
			assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.of(500));
			assertThat(other.requiredPosition()).as("another cluster's position means nothing here")
				.isEqualTo(WalPosition.ZERO);
			ConsistencyScope.current().recordWrite(other, WalPosition.of(70), NOW);
			assertThat(other.requiredPosition()).isEqualTo(WalPosition.of(70));
			assertThat(this.lsn.requiredPosition()).isEqualTo(WalPosition.ZERO);
		});
	}

	@Test
	void tokenLifetimeFollowsTheMode() {
		assertThat(this.lsn.tokenLifetime()).isEqualTo(Duration.ofSeconds(7));
		assertThat(this.sticky.tokenLifetime()).isEqualTo(Duration.ofSeconds(2));
	}

	private static void inScope(ConsistencyToken token, Runnable work) {
		try (ConsistencyScope.Opened opened = ConsistencyScope.open(token, null)) {
			work.run();
		}
	}

}
