package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import io.replicarouter.replica.RoundRobinReplicaSelector;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * What work that needs the primary does while the primary is down, and the limit on reads
 * the primary takes as the fallback, against stub pools.
 */
class PrimaryLossTests {

	private final DataSource primaryPool = mock(DataSource.class);

	private final Connection primaryConnection = mock(Connection.class);

	private final DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, this.primaryPool,
			"jdbc:postgresql://p/db?password=s3cret", 1);

	private final DataSourceNode replica = new DataSourceNode("replica-1", NodeRole.REPLICA, mock(DataSource.class),
			"jdbc:postgresql://r/db", 1);

	private final OutageTopology topology = new OutageTopology();

	private ReplicaRoutingDataSource router;

	@BeforeEach
	void setUp() throws SQLException {
		given(this.primaryPool.getConnection()).willReturn(this.primaryConnection);
		given(this.primaryConnection.getAutoCommit()).willReturn(true);
		this.router = new ReplicaRoutingDataSource(new DatabaseNodes(this.primary, List.of(this.replica)),
				this.topology, new RoundRobinReplicaSelector(), Fallback.PRIMARY, NonTransactionalReads.PRIMARY, true,
				ConsistencyGuard.NONE);
		this.router.setPrimaryUnavailableWait(Duration.ofMillis(200));
	}

	@Test
	void aWriteFailsFastWhileThePrimaryIsKnownDownNamingItAndSinceWhen() throws SQLException {
		this.topology.outage = new PrimaryOutage(Instant.parse("2026-12-03T10:00:00Z"), "probe failed: refused");
		Connection connection = this.router.getConnection();
		connection.setAutoCommit(false);
		long started = System.nanoTime();
		assertThatExceptionOfType(PrimaryUnavailableException.class).isThrownBy(connection::createStatement)
			.withMessageContaining("primary")
			.withMessageContaining("since 2026-12-03T10:00:00Z")
			.withMessageContaining("probe failed: refused")
			.withMessageContaining("replica-router.primary.unavailable-wait")
			.withMessageNotContaining("s3cret");
		long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
		assertThat(waitedMillis).isBetween(190L, 5_000L);
		verify(this.primaryPool, never()).getConnection();
	}

	@Test
	void aWriteWaitingForAPrimaryThatComesBackGoesAhead() throws Exception {
		this.router.setPrimaryUnavailableWait(Duration.ofSeconds(10));
		this.topology.outage = new PrimaryOutage(Instant.now(), "probe failed");
		CompletableFuture.runAsync(() -> {
			sleep(100);
			this.topology.outage = null;
		});
		Connection connection = this.router.getConnection();
		connection.setAutoCommit(false);
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.primary);
	}

	@Test
	void aWriteAlreadyWaitingInThePoolIsWokenWhenThePrimaryStopsAnsweringAndFailsFast() throws Exception {
		CountDownLatch waiting = new CountDownLatch(1);
		// Like Hikari: a borrow gives up when its thread is interrupted.
		given(this.primaryPool.getConnection()).willAnswer((invocation) -> {
			waiting.countDown();
			try {
				Thread.sleep(30_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new SQLException("primary - Interrupted during connection acquisition", ex);
			}
			return this.primaryConnection;
		});
		AtomicBoolean interruptedAfterwards = new AtomicBoolean(true);
		CompletableFuture<Throwable> write = CompletableFuture.supplyAsync(() -> {
			try {
				Connection connection = this.router.getConnection();
				connection.setAutoCommit(false);
				connection.createStatement();
				return null;
			}
			catch (SQLException ex) {
				interruptedAfterwards.set(Thread.currentThread().isInterrupted());
				return ex;
			}
		});
		assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
		this.topology.outage = new PrimaryOutage(Instant.now(), "probe failed");
		this.router.abortConnectionsInUse(this.primary, Runnable::run);
		Throwable failure = write.get(5, TimeUnit.SECONDS);
		assertThat(failure).isInstanceOf(PrimaryUnavailableException.class);
		assertThat(interruptedAfterwards).as("the interrupt that woke the caller is not left behind").isFalse();
	}

	@Test
	void aBorrowThatFailsBecauseThePrimaryCannotBeReachedSaysSoAndABusyPoolStaysBusy() throws SQLException {
		SQLException refused = new SQLException("Connection to p:5432 refused", "08001");
		given(this.primaryPool.getConnection()).willThrow(
				new SQLTransientConnectionException("primary - Connection is not available", "08001", refused));
		Connection write = this.router.getConnection();
		write.setAutoCommit(false);
		assertThatExceptionOfType(PrimaryUnavailableException.class).isThrownBy(write::createStatement)
			.withMessageContaining("cannot be reached");
		SQLTransientConnectionException busy = new SQLTransientConnectionException(
				"primary - Connection is not available, request timed out after 30000ms");
		willThrow(busy).given(this.primaryPool).getConnection();
		Connection other = this.router.getConnection();
		other.setAutoCommit(false);
		assertThatExceptionOfType(SQLTransientConnectionException.class).isThrownBy(other::createStatement)
			.isSameAs(busy);
	}

	@Test
	void readsBeyondTheFallbackLimitFailAfterTheWaitAndAPermitReturnsWithItsConnection() throws SQLException {
		this.topology.eligible = List.of();
		this.router.setFallbackMaxConcurrency(1);
		this.router.setFallbackWait(Duration.ofMillis(100));
		Connection first = readOnly();
		first.createStatement();
		assertThat(first.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.FALLBACK);
		Connection second = readOnly();
		assertThatExceptionOfType(FallbackLimitException.class).isThrownBy(second::createStatement)
			.withMessageContaining("replica-router.fallback-max-concurrency");
		first.commit();
		Connection third = readOnly();
		third.createStatement();
		assertThat(third.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.FALLBACK);
		assertThat(this.router.getStatistics().fallbacksRefused()).isEqualTo(1);
	}

	@Test
	void aReadBeyondTheFallbackLimitTakesTheTurnOfAReadThatEndsWithinTheWait() throws Exception {
		this.topology.eligible = List.of();
		this.router.setFallbackMaxConcurrency(1);
		this.router.setFallbackWait(Duration.ofSeconds(10));
		Connection first = readOnly();
		first.createStatement();
		CompletableFuture.runAsync(() -> {
			sleep(200);
			try {
				first.commit();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
		Connection second = readOnly();
		second.createStatement();
		assertThat(second.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.FALLBACK);
		assertThat(this.router.getStatistics().fallbacksRefused()).isZero();
	}

	@Test
	void aFallbackReadWaitsForADownPrimaryAsAWriteDoesThenFails() throws SQLException {
		this.topology.eligible = List.of();
		this.topology.outage = new PrimaryOutage(Instant.now(), "probe failed");
		Connection read = readOnly();
		long started = System.nanoTime();
		assertThatExceptionOfType(PrimaryUnavailableException.class).isThrownBy(read::createStatement);
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(190L, 5_000L);
		this.topology.outage = null;
		this.router.setFallbackMaxConcurrency(1);
		Connection next = readOnly();
		next.createStatement();
		assertThat(next.unwrap(RoutedConnection.class).reason()).as("the failed read gave its permit back")
			.isEqualTo(RoutingReason.FALLBACK);
	}

	private Connection readOnly() throws SQLException {
		Connection connection = this.router.getConnection();
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		return connection;
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private final class OutageTopology implements RoutingTopology {

		private volatile @Nullable PrimaryOutage outage;

		private volatile List<ReplicaCandidate> eligible = List.of();

		@Override
		public List<ReplicaCandidate> eligibleReplicas() {
			return this.eligible;
		}

		@Override
		public @Nullable String primaryUnavailableReason() {
			return null;
		}

		@Override
		public @Nullable PrimaryOutage primaryOutage() {
			return this.outage;
		}

		@Override
		public String describeIneligibleReplicas() {
			return "replica-1 down";
		}

		@Override
		public void reportFailure(DataSourceNode node, Throwable failure) {
		}

	}

}
