package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import io.replicarouter.WalPosition;
import io.replicarouter.replica.RoundRobinReplicaSelector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * Unit tests of the routing decision and the lazy handle, against stub pools. Behaviour
 * against real PostgreSQL is covered by the integration tests.
 */
class ReplicaRoutingDataSourceTests {

	private final DataSource primaryPool = mock(DataSource.class);

	private final DataSource replicaPool1 = mock(DataSource.class);

	private final DataSource replicaPool2 = mock(DataSource.class);

	private final Connection primaryConnection = mock(Connection.class);

	private final Connection replicaConnection1 = mock(Connection.class);

	private final Connection replicaConnection2 = mock(Connection.class);

	private DataSourceNode primary;

	private DataSourceNode replica1;

	private DataSourceNode replica2;

	@BeforeEach
	void setUp() throws SQLException {
		given(this.primaryPool.getConnection()).willReturn(this.primaryConnection);
		given(this.replicaPool1.getConnection()).willReturn(this.replicaConnection1);
		given(this.replicaPool2.getConnection()).willReturn(this.replicaConnection2);
		given(this.primaryConnection.getAutoCommit()).willReturn(true);
		given(this.replicaConnection1.getAutoCommit()).willReturn(true);
		given(this.replicaConnection2.getAutoCommit()).willReturn(true);
		this.primary = new DataSourceNode("primary", NodeRole.PRIMARY, this.primaryPool, "jdbc:postgresql://p/db", 1);
		this.replica1 = new DataSourceNode("replica-1", NodeRole.REPLICA, this.replicaPool1, "jdbc:postgresql://r1/db",
				1);
		this.replica2 = new DataSourceNode("replica-2", NodeRole.REPLICA, this.replicaPool2, "jdbc:postgresql://r2/db",
				1);
	}

	@AfterEach
	void clearSynchronization() {
		TransactionSynchronizationManager.setActualTransactionActive(false);
	}

	@Test
	void getConnectionTakesNothingFromThePools() throws SQLException {
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
		connection.commit();
		connection.rollback();
		connection.close();
		assertThat(connection.isClosed()).isTrue();
		verifyNoInteractions(this.primaryPool, this.replicaPool1, this.replicaPool2);
	}

	@Test
	void readOnlyConnectionIsBoundToAReplicaOnFirstStatementWithItsSettingsApplied() throws SQLException {
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
		connection.prepareStatement("select 1");
		var order = inOrder(this.replicaConnection1);
		order.verify(this.replicaConnection1).setReadOnly(true);
		order.verify(this.replicaConnection1).setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
		order.verify(this.replicaConnection1).setAutoCommit(false);
		order.verify(this.replicaConnection1).prepareStatement("select 1");
		RoutedConnection routed = connection.unwrap(RoutedConnection.class);
		assertThat(routed.node()).isSameAs(this.replica1);
		assertThat(routed.reason()).isEqualTo(RoutingReason.READ_ONLY);
		verifyNoInteractions(this.primaryPool);
		connection.commit();
		connection.close();
		verify(this.replicaConnection1).commit();
		verify(this.replicaConnection1).close();
	}

	@Test
	void readWriteConnectionIsBoundToThePrimary() throws SQLException {
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.setAutoCommit(false);
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.primary);
		assertThat(connection.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.READ_WRITE);
		verify(this.primaryConnection, never()).setReadOnly(true);
		verifyNoInteractions(this.replicaPool1, this.replicaPool2);
	}

	@Test
	void readOnlyConnectionsAreSpreadOverReplicasInTurn() throws SQLException {
		ReplicaRoutingDataSource router = router(NonTransactionalReads.PRIMARY);
		for (int i = 0; i < 4; i++) {
			Connection connection = router.getConnection();
			connection.setReadOnly(true);
			connection.createStatement();
			connection.close();
		}
		verify(this.replicaPool1, org.mockito.Mockito.times(2)).getConnection();
		verify(this.replicaPool2, org.mockito.Mockito.times(2)).getConnection();
		verifyNoInteractions(this.primaryPool);
	}

	@Test
	void primaryReadPinSendsReadOnlyWorkToThePrimaryAndKeepsItReadOnly() throws SQLException {
		ReplicaRoutingDataSource router = router(NonTransactionalReads.PRIMARY);
		Connection connection = PrimaryReads.call(() -> {
			try {
				Connection pinned = router.getConnection();
				pinned.setReadOnly(true);
				pinned.createStatement();
				return pinned;
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.primary);
		assertThat(connection.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.PRIMARY_READ);
		verify(this.primaryConnection).setReadOnly(true);
		assertThat(PrimaryReads.isActive()).isFalse();
	}

	@Test
	void pinIsDecidedWhenTheFirstStatementRunsNotWhenTheHandleIsTaken() throws SQLException {
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.setReadOnly(true);
		PrimaryReads.run(() -> {
			try {
				connection.createStatement();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.primary);
	}

	@Test
	void nonTransactionalWorkGoesToThePrimaryByDefault() throws SQLException {
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.primary);
	}

	@Test
	void nonTransactionalWorkGoesToAReplicaWhenConfigured() throws SQLException {
		Connection connection = router(NonTransactionalReads.REPLICA).getConnection();
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.replica1);
		assertThat(connection.unwrap(RoutedConnection.class).reason())
			.isEqualTo(RoutingReason.NON_TRANSACTIONAL_READ);
	}

	@Test
	void autoCommitWorkInsideAnActualTransactionStaysOnThePrimaryEvenInReplicaMode() throws SQLException {
		TransactionSynchronizationManager.setActualTransactionActive(true);
		Connection connection = router(NonTransactionalReads.REPLICA).getConnection();
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.primary);
	}

	@Test
	void unwrappingToTheRoutedHandleDoesNotBind() throws SQLException {
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		RoutedConnection routed = connection.unwrap(RoutedConnection.class);
		assertThat(routed.node()).isNull();
		assertThat(routed.toString()).contains("not bound yet");
		verifyNoInteractions(this.primaryPool, this.replicaPool1, this.replicaPool2);
	}

	@Test
	void closedHandleRefusesWork() throws SQLException {
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.close();
		assertThatExceptionOfType(SQLException.class).isThrownBy(connection::createStatement)
			.withMessageContaining("closed");
		verifyNoInteractions(this.primaryPool);
	}

	@Test
	void physicalConnectionIsClosedWhenApplyingSettingsFails() throws SQLException {
		org.mockito.BDDMockito.willThrow(new SQLException("boom"))
			.given(this.replicaConnection1)
			.setReadOnly(true);
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.setReadOnly(true);
		assertThatExceptionOfType(SQLException.class).isThrownBy(connection::createStatement);
		verify(this.replicaConnection1).close();
	}

	@Test
	void getConnectionWithCredentialsIsRefused() {
		assertThatExceptionOfType(SQLException.class)
			.isThrownBy(() -> router(NonTransactionalReads.PRIMARY).getConnection("u", "p"));
	}

	@Test
	void readOnlyScopeWithoutATransactionGoesToAReplica() throws SQLException {
		TransactionSynchronizationManager.setCurrentTransactionReadOnly(true);
		try {
			Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
			connection.createStatement();
			assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.replica1);
		}
		finally {
			TransactionSynchronizationManager.setCurrentTransactionReadOnly(false);
		}
	}

	@Test
	void replicaThatCannotGiveAConnectionIsReportedAndAnotherServesTheTransaction() throws SQLException {
		SQLException refused = new SQLException("Connection refused", "08001");
		given(this.replicaPool1.getConnection()).willThrow(refused);
		RecordingTopology topology = new RecordingTopology(List.of(this.replica1, this.replica2));
		Connection connection = router(topology, Fallback.PRIMARY).getConnection();
		connection.setReadOnly(true);
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.replica2);
		assertThat(topology.failed).containsExactly(this.replica1);
	}

	@Test
	void replicaWhosePoolIsOnlyBusyIsSkippedForThisReadWithoutBeingReported() throws SQLException {
		given(this.replicaPool1.getConnection()).willThrow(new java.sql.SQLTransientConnectionException(
				"replica-1 - Connection is not available, request timed out after 2001ms (total=8, active=8, idle=0,"
						+ " waiting=3)"));
		RecordingTopology topology = new RecordingTopology(List.of(this.replica1, this.replica2));
		ReplicaRoutingDataSource router = router(topology, Fallback.PRIMARY);
		Connection connection = router.getConnection();
		connection.setReadOnly(true);
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.replica2);
		assertThat(topology.failed).as("busy is not down").isEmpty();
		assertThat(router.getStatistics().busySkips()).isEqualTo(1);
		assertThat(router.getStatistics().connectionRetries()).isEqualTo(1);
	}

	@Test
	void borrowTimeoutCausedByAConnectionFailureIsReported() throws SQLException {
		SQLException refused = new SQLException("Connection to r1:5432 refused.", "08001",
				new java.net.ConnectException("Connection refused"));
		java.sql.SQLTransientConnectionException timeout = new java.sql.SQLTransientConnectionException(
				"replica-1 - Connection is not available, request timed out after 2001ms", "08001", refused);
		given(this.replicaPool1.getConnection()).willThrow(timeout);
		RecordingTopology topology = new RecordingTopology(List.of(this.replica1, this.replica2));
		ReplicaRoutingDataSource router = router(topology, Fallback.PRIMARY);
		Connection connection = router.getConnection();
		connection.setReadOnly(true);
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.replica2);
		assertThat(topology.failed).containsExactly(this.replica1);
		assertThat(router.getStatistics().busySkips()).isZero();
	}

	@Test
	void whenEveryReplicaFailsTheReadFallsBackToThePrimary() throws SQLException {
		given(this.replicaPool1.getConnection()).willThrow(new SQLException("refused", "08001"));
		given(this.replicaPool2.getConnection()).willThrow(new SQLException("refused", "08001"));
		RecordingTopology topology = new RecordingTopology(List.of(this.replica1, this.replica2));
		Connection connection = router(topology, Fallback.PRIMARY).getConnection();
		connection.setReadOnly(true);
		connection.createStatement();
		RoutedConnection routed = connection.unwrap(RoutedConnection.class);
		assertThat(routed.node()).isSameAs(this.primary);
		assertThat(routed.reason()).isEqualTo(RoutingReason.FALLBACK);
		verify(this.primaryConnection).setReadOnly(true);
		assertThat(topology.failed).containsExactlyInAnyOrder(this.replica1, this.replica2);
	}

	@Test
	void withoutEligibleReplicasTheReadFallsBackToThePrimary() throws SQLException {
		Connection connection = router(new RecordingTopology(List.of()), Fallback.PRIMARY).getConnection();
		connection.setReadOnly(true);
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.FALLBACK);
		verifyNoInteractions(this.replicaPool1, this.replicaPool2);
	}

	@Test
	void withAPrimaryReadWeightThePrimaryServesItsShareOfReadOnlyTransactions() throws SQLException {
		ReplicaRoutingDataSource router = router(new RecordingTopology(List.of(this.replica1, this.replica2)),
				Fallback.PRIMARY);
		router.setPrimaryReadWeight(1);
		Map<RoutingReason, Integer> reasons = new java.util.EnumMap<>(RoutingReason.class);
		int reads = 3000;
		for (int i = 0; i < reads; i++) {
			Connection connection = router.getConnection();
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			connection.createStatement();
			reasons.merge(connection.unwrap(RoutedConnection.class).reason(), 1, Integer::sum);
			connection.commit();
			connection.close();
		}
		// weight 1 next to two replicas of weight 1: a third, give or take six standard deviations
		assertThat(reasons.get(RoutingReason.PRIMARY_SHARE)).isBetween(1000 - 155, 1000 + 155);
		assertThat(reasons.get(RoutingReason.READ_ONLY)).isEqualTo(reads - reasons.get(RoutingReason.PRIMARY_SHARE));
		assertThat(router.getStatistics().count(this.primary, RoutingReason.PRIMARY_SHARE))
			.isEqualTo((long) reasons.get(RoutingReason.PRIMARY_SHARE));
	}

	@Test
	void thePrimarysShareOfReadsTakesTheFallbacksTurnsAndLeavesReadsToReplicasWhenNoneIsFree() throws SQLException {
		ReplicaRoutingDataSource router = router(new RecordingTopology(List.of(this.replica1, this.replica2)),
				Fallback.PRIMARY);
		router.setPrimaryReadWeight(1_000_000);
		router.setFallbackMaxConcurrency(1);
		Connection first = router.getConnection();
		first.setReadOnly(true);
		first.createStatement();
		assertThat(first.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.PRIMARY_SHARE);
		Connection second = router.getConnection();
		second.setReadOnly(true);
		second.createStatement();
		assertThat(second.unwrap(RoutedConnection.class).node().role())
			.as("the primary's one turn is taken: a replica serves it, without waiting")
			.isEqualTo(NodeRole.REPLICA);
		first.close();
		second.close();
		Connection third = router.getConnection();
		third.setReadOnly(true);
		third.createStatement();
		assertThat(third.unwrap(RoutedConnection.class).reason()).as("the turn was given back")
			.isEqualTo(RoutingReason.PRIMARY_SHARE);
		third.close();
	}

	@Test
	void thePrimarysShareOfReadsGoesToReplicasWhileThePrimaryIsUnavailable() throws SQLException {
		RecordingTopology topology = new RecordingTopology(List.of(this.replica1, this.replica2));
		topology.primaryUnavailable = "down: connection refused";
		ReplicaRoutingDataSource router = router(topology, Fallback.PRIMARY);
		router.setPrimaryReadWeight(1_000_000);
		for (int i = 0; i < 10; i++) {
			Connection connection = router.getConnection();
			connection.setReadOnly(true);
			connection.createStatement();
			assertThat(connection.unwrap(RoutedConnection.class).node().role()).isEqualTo(NodeRole.REPLICA);
			connection.close();
		}
		verifyNoInteractions(this.primaryPool);
	}

	@Test
	void withoutReplicasInRotationReadsAreFallbacksWhateverThePrimarysReadWeight() throws SQLException {
		ReplicaRoutingDataSource router = router(new RecordingTopology(List.of()), Fallback.PRIMARY);
		router.setPrimaryReadWeight(1);
		Connection connection = router.getConnection();
		connection.setReadOnly(true);
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.FALLBACK);
	}

	@Test
	void aNegativePrimaryReadWeightIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> router(NonTransactionalReads.PRIMARY).setPrimaryReadWeight(-1))
			.withMessageContaining("0 or more");
	}

	@Test
	void withFallbackFailTheReadFailsSayingWhy() throws SQLException {
		Connection connection = router(new RecordingTopology(List.of()), Fallback.FAIL).getConnection();
		connection.setReadOnly(true);
		assertThatExceptionOfType(NoEligibleReplicaException.class).isThrownBy(connection::createStatement)
			.withMessageContaining("replica-router.fallback=fail")
			.withMessageContaining("replica-1 lagging");
		verifyNoInteractions(this.primaryPool);
	}

	@Test
	void writesFailFastWhenThePrimaryCannotTakeThem() throws SQLException {
		RecordingTopology topology = new RecordingTopology(List.of(this.replica1));
		topology.primaryUnavailable = "in recovery";
		ReplicaRoutingDataSource router = router(topology, Fallback.PRIMARY);
		Connection write = router.getConnection();
		write.setAutoCommit(false);
		assertThatExceptionOfType(PrimaryUnavailableException.class).isThrownBy(write::createStatement)
			.withMessageContaining("in recovery");
		verifyNoInteractions(this.primaryPool);
		Connection read = router.getConnection();
		read.setReadOnly(true);
		read.createStatement();
		assertThat(read.unwrap(RoutedConnection.class).node()).isSameAs(this.replica1);
	}

	@Test
	void readOnlyTransactionWhoseReplicaDiesBeforeCommitEndsWithoutErrorAndReportsTheReplica() throws SQLException {
		org.mockito.BDDMockito.willThrow(new SQLException("terminating connection", "57P01"))
			.given(this.replicaConnection1)
			.commit();
		RecordingTopology topology = new RecordingTopology(List.of(this.replica1));
		Connection connection = router(topology, Fallback.PRIMARY).getConnection();
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		connection.createStatement();
		connection.commit();
		assertThat(topology.failed).containsExactly(this.replica1);
	}

	@Test
	void failedCommitOfAReadWriteTransactionIsRethrown() throws SQLException {
		org.mockito.BDDMockito.willThrow(new SQLException("terminating connection", "57P01"))
			.given(this.primaryConnection)
			.commit();
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.setAutoCommit(false);
		connection.createStatement();
		assertThatExceptionOfType(SQLException.class).isThrownBy(connection::commit);
	}

	@Test
	void otherCommitFailuresOfReadOnlyTransactionsAreRethrown() throws SQLException {
		org.mockito.BDDMockito.willThrow(new SQLException("could not serialize", "40001"))
			.given(this.replicaConnection1)
			.commit();
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		connection.createStatement();
		assertThatExceptionOfType(SQLException.class).isThrownBy(connection::commit);
	}

	@Test
	void readWriteCommitLetsTheConsistencyGuardRecordTheWriteOnceOnAnIdleAutoCommitConnection() throws SQLException {
		RecordingGuard guard = new RecordingGuard();
		ReplicaRoutingDataSource router = router(guard);
		Connection connection = router.getConnection();
		connection.setAutoCommit(false);
		connection.createStatement();
		given(this.primaryConnection.getAutoCommit()).willReturn(false);
		connection.commit();
		var order = inOrder(this.primaryConnection);
		order.verify(this.primaryConnection).commit();
		order.verify(this.primaryConnection).setAutoCommit(true);
		order.verify(this.primaryConnection).setAutoCommit(false);
		given(this.primaryConnection.getAutoCommit()).willReturn(true);
		connection.setAutoCommit(true);
		connection.close();
		assertThat(guard.writes).isEqualTo(1);
	}

	@Test
	void autoCommitWorkOnThePrimaryIsRecordedWhenTheConnectionIsReleased() throws SQLException {
		RecordingGuard guard = new RecordingGuard();
		Connection connection = router(guard).getConnection();
		connection.createStatement();
		connection.close();
		assertThat(guard.writes).isEqualTo(1);
	}

	@Test
	void rollbackOfAWriteWhoseConnectionBrokeEndsQuietlySoTheCallerSeesWhatBrokeIt() throws SQLException {
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.setAutoCommit(false);
		connection.createStatement();
		org.mockito.BDDMockito.willThrow(new SQLException("Connection is closed")).given(this.primaryConnection).rollback();
		given(this.primaryConnection.isClosed()).willReturn(true);
		connection.rollback();
		verify(this.primaryConnection).rollback();
	}

	@Test
	void rollbackThatFailsOnAnOpenConnectionFails() throws SQLException {
		Connection connection = router(NonTransactionalReads.PRIMARY).getConnection();
		connection.setAutoCommit(false);
		connection.createStatement();
		org.mockito.BDDMockito.willThrow(new SQLException("out of memory", "53200")).given(this.primaryConnection)
			.rollback();
		assertThatExceptionOfType(SQLException.class).isThrownBy(connection::rollback).withMessage("out of memory");
	}

	@Test
	void replicaConnectionsInUseAreAbortedOnRequestAndReleasedOnesAreNot() throws SQLException {
		ReplicaRoutingDataSource router = router(NonTransactionalReads.PRIMARY);
		Connection reading = router.getConnection();
		reading.setReadOnly(true);
		reading.createStatement();
		Connection done = router.getConnection();
		done.setReadOnly(true);
		done.createStatement();
		done.close();
		Connection writing = router.getConnection();
		writing.createStatement();
		java.util.concurrent.Executor executor = Runnable::run;
		assertThat(router.abortConnectionsInUse(this.replica1, executor)).isEqualTo(1);
		verify(this.replicaConnection1).abort(executor);
		verify(this.replicaConnection2, never()).abort(org.mockito.ArgumentMatchers.any());
		assertThat(router.abortConnectionsInUse(this.replica1, executor)).isZero();
		assertThat(router.abortConnectionsInUse(this.primary, executor)).isZero();
		verify(this.primaryConnection, never()).abort(org.mockito.ArgumentMatchers.any());
	}

	@Test
	void primaryConnectionsInUseForReadsThatMayRunElsewhereAreAbortedButWritesAreNot() throws SQLException {
		Connection otherPrimaryConnection = mock(Connection.class);
		given(otherPrimaryConnection.getAutoCommit()).willReturn(true);
		given(this.primaryPool.getConnection()).willReturn(this.primaryConnection, otherPrimaryConnection);
		RecordingGuard guard = new RecordingGuard();
		guard.required = WalPosition.CURRENT;
		ReplicaRoutingDataSource router = router(guard);
		Connection reading = router.getConnection();
		reading.setReadOnly(true);
		reading.createStatement();
		assertThat(reading.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.CONSISTENCY);
		Connection writing = router.getConnection();
		writing.createStatement();
		java.util.concurrent.Executor executor = Runnable::run;
		assertThat(router.abortConnectionsInUse(this.primary, executor)).isEqualTo(1);
		verify(this.primaryConnection).abort(executor);
		verify(otherPrimaryConnection, never()).abort(org.mockito.ArgumentMatchers.any());
	}

	@Test
	void readsAndRollbacksRecordNoWrite() throws SQLException {
		RecordingGuard guard = new RecordingGuard();
		ReplicaRoutingDataSource router = router(guard);
		Connection read = router.getConnection();
		read.setReadOnly(true);
		read.setAutoCommit(false);
		read.createStatement();
		read.commit();
		read.close();
		Connection rolledBack = router.getConnection();
		rolledBack.setAutoCommit(false);
		rolledBack.createStatement();
		given(this.primaryConnection.getAutoCommit()).willReturn(false);
		rolledBack.rollback();
		rolledBack.close();
		assertThat(guard.writes).isZero();
	}

	@Test
	void readGoesToAReplicaKnownToHaveReplayedTheRequiredPosition() throws SQLException {
		RecordingGuard guard = new RecordingGuard();
		guard.required = WalPosition.of(100);
		RoutingTopology topology = new FixedTopology(List.of(candidate(this.replica1, 50), candidate(this.replica2, 150)));
		ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(nodes(), topology,
				new RoundRobinReplicaSelector(), Fallback.PRIMARY, NonTransactionalReads.PRIMARY, true, guard);
		for (int i = 0; i < 4; i++) {
			Connection connection = router.getConnection();
			connection.setReadOnly(true);
			connection.createStatement();
			assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.replica2);
		}
		assertThat(guard.seen).isEqualTo(WalPosition.of(150));
		verify(this.replicaPool1, never()).getConnection();
	}

	@Test
	void readThatMustSeeAWriteNoReplicaIsKnownToHaveReplayedRunsOnThePrimaryIfTheCheckedReplicaIsBehind()
			throws SQLException {
		RecordingGuard guard = new RecordingGuard();
		guard.required = WalPosition.of(100);
		java.sql.Statement check = mock(java.sql.Statement.class);
		java.sql.ResultSet position = mock(java.sql.ResultSet.class);
		given(this.replicaConnection1.createStatement()).willReturn(check);
		given(check.executeQuery(org.mockito.ArgumentMatchers.anyString())).willReturn(position);
		given(position.next()).willReturn(true);
		given(position.getLong(1)).willReturn(60L);
		RoutingTopology topology = new FixedTopology(List.of(candidate(this.replica1, 50)));
		ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(nodes(), topology,
				new RoundRobinReplicaSelector(), Fallback.PRIMARY, NonTransactionalReads.PRIMARY, true, guard);
		Connection connection = router.getConnection();
		connection.setReadOnly(true);
		connection.prepareStatement("select 1");
		assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.primary);
		assertThat(connection.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.CONSISTENCY);
		verify(this.replicaConnection1).close();
		given(position.getLong(1)).willReturn(120L);
		Connection again = router.getConnection();
		again.setReadOnly(true);
		again.prepareStatement("select 1");
		assertThat(again.unwrap(RoutedConnection.class).node()).isSameAs(this.replica1);
		assertThat(guard.seen).isEqualTo(WalPosition.of(120));
	}

	@Test
	void replicaALiveCheckFoundCaughtUpServesLaterReadsNeedingThatPositionWithoutAnotherCheck() throws SQLException {
		RecordingGuard guard = new RecordingGuard();
		guard.required = WalPosition.of(100);
		java.sql.Statement check1 = mock(java.sql.Statement.class);
		java.sql.Statement check2 = mock(java.sql.Statement.class);
		java.sql.ResultSet position = mock(java.sql.ResultSet.class);
		given(this.replicaConnection1.createStatement()).willReturn(check1);
		given(this.replicaConnection2.createStatement()).willReturn(check2);
		given(check1.executeQuery(org.mockito.ArgumentMatchers.anyString())).willReturn(position);
		given(check2.executeQuery(org.mockito.ArgumentMatchers.anyString())).willReturn(position);
		given(position.next()).willReturn(true);
		given(position.getLong(1)).willReturn(120L);
		FixedTopology topology = new FixedTopology(List.of(candidate(this.replica1, 50), candidate(this.replica2, 50)));
		ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(nodes(), topology,
				new RoundRobinReplicaSelector(), Fallback.PRIMARY, NonTransactionalReads.PRIMARY, true, guard);
		Map<DataSourceNode, Integer> served = new java.util.HashMap<>();
		for (int i = 0; i < 6; i++) {
			Connection connection = router.getConnection();
			connection.setReadOnly(true);
			connection.prepareStatement("select 1");
			assertThat(connection.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.READ_ONLY);
			served.merge(connection.unwrap(RoutedConnection.class).node(), 1, Integer::sum);
			// The scope has now read at 120: newer than any probed position.
			guard.required = guard.seen;
		}
		// Each replica was asked once; later reads needing 120 took their word for it, in turn.
		verify(check1, times(1)).executeQuery(org.mockito.ArgumentMatchers.anyString());
		verify(check2, times(1)).executeQuery(org.mockito.ArgumentMatchers.anyString());
		assertThat(served).containsEntry(this.replica1, 3).containsEntry(this.replica2, 3);
	}

	@Test
	void aCheckedPositionCountsOnlyUntilTheReplicaIsProbedAgain() throws SQLException {
		RecordingGuard guard = new RecordingGuard();
		guard.required = WalPosition.of(100);
		java.sql.Statement check = mock(java.sql.Statement.class);
		java.sql.ResultSet position = mock(java.sql.ResultSet.class);
		given(this.replicaConnection1.createStatement()).willReturn(check);
		given(check.executeQuery(org.mockito.ArgumentMatchers.anyString())).willReturn(position);
		given(position.next()).willReturn(true);
		given(position.getLong(1)).willReturn(120L);
		MutableTopology topology = new MutableTopology(List.of(candidate(this.replica1, 50)));
		ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(nodes(), topology,
				new RoundRobinReplicaSelector(), Fallback.PRIMARY, NonTransactionalReads.PRIMARY, true, guard);
		Connection first = router.getConnection();
		first.setReadOnly(true);
		first.prepareStatement("select 1");
		topology.candidates = List.of(candidate(this.replica1, 60));
		Connection next = router.getConnection();
		next.setReadOnly(true);
		next.prepareStatement("select 1");
		verify(check, times(2)).executeQuery(org.mockito.ArgumentMatchers.anyString());
	}

	@Test
	void primaryOnlyRequirementSendsReadsToThePrimary() throws SQLException {
		RecordingGuard guard = new RecordingGuard();
		guard.required = WalPosition.CURRENT;
		Connection connection = router(guard).getConnection();
		connection.setReadOnly(true);
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).reason()).isEqualTo(RoutingReason.CONSISTENCY);
		verifyNoInteractions(this.replicaPool1, this.replicaPool2);
	}

	@Test
	void primaryOnlyReadWhosePrimaryIsUnavailableWaitsUntilReplicasHaveTheWriteAndRunsOnOne() throws SQLException {
		RecordingGuard guard = new RecordingGuard();
		guard.primaryOnlyFor(java.time.Duration.ofMillis(200));
		RecordingTopology topology = new RecordingTopology(List.of(this.replica1, this.replica2));
		topology.primaryUnavailable = "down: connection refused";
		ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(nodes(), topology,
				new RoundRobinReplicaSelector(), Fallback.PRIMARY, NonTransactionalReads.PRIMARY, true, guard);
		long started = System.nanoTime();
		Connection connection = router.getConnection();
		connection.setReadOnly(true);
		connection.createStatement();
		assertThat(connection.unwrap(RoutedConnection.class).node().role()).isEqualTo(NodeRole.REPLICA);
		assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(
				java.time.Duration.ofMillis(150));
		verifyNoInteractions(this.primaryPool);
	}

	@Test
	void primaryOnlyReadWhosePrimaryIsUnavailableFailsWhenTheRequirementHasNoEnd() throws SQLException {
		RecordingGuard guard = new RecordingGuard();
		guard.required = WalPosition.CURRENT;
		RecordingTopology topology = new RecordingTopology(List.of(this.replica1, this.replica2));
		topology.primaryUnavailable = "down: connection refused";
		ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(nodes(), topology,
				new RoundRobinReplicaSelector(), Fallback.PRIMARY, NonTransactionalReads.PRIMARY, true, guard);
		Connection connection = router.getConnection();
		connection.setReadOnly(true);
		assertThatExceptionOfType(SQLException.class).isThrownBy(connection::createStatement)
			.withMessageContaining("The primary is unavailable (down: connection refused)");
		verifyNoInteractions(this.replicaPool1, this.replicaPool2);
	}

	@Test
	void onARetryAfterThePrimaryFailedItsConnectionIsCheckedAndADeadOneDiscarded() throws SQLException {
		given(this.primaryConnection.isValid(1)).willReturn(false);
		RecordingGuard guard = new RecordingGuard();
		guard.primaryOnlyFor(java.time.Duration.ofMillis(50));
		RoutingThreadState.current().verifyPrimary = true;
		try {
			Connection connection = router(guard).getConnection();
			connection.setReadOnly(true);
			connection.createStatement();
			assertThat(connection.unwrap(RoutedConnection.class).node().role()).isEqualTo(NodeRole.REPLICA);
			verify(this.primaryConnection).close();
		}
		finally {
			RoutingThreadState.current().verifyPrimary = false;
		}
	}

	@Test
	void onARetryAfterThePrimaryFailedAPrimaryThatAnswersTheCheckServesTheRead() throws SQLException {
		given(this.primaryConnection.isValid(1)).willReturn(true);
		RecordingGuard guard = new RecordingGuard();
		guard.required = WalPosition.CURRENT;
		RoutingThreadState.current().verifyPrimary = true;
		try {
			Connection connection = router(guard).getConnection();
			connection.setReadOnly(true);
			connection.createStatement();
			assertThat(connection.unwrap(RoutedConnection.class).node()).isSameAs(this.primary);
			verify(this.primaryConnection, never()).close();
		}
		finally {
			RoutingThreadState.current().verifyPrimary = false;
		}
	}

	private ReplicaRoutingDataSource router(ConsistencyGuard guard) {
		return new ReplicaRoutingDataSource(nodes(), RoutingTopology.allEligible(List.of(this.replica1, this.replica2)),
				new RoundRobinReplicaSelector(), Fallback.PRIMARY, NonTransactionalReads.PRIMARY, true, guard);
	}

	private static ReplicaCandidate candidate(DataSourceNode node, long replayLsn) {
		return new ReplicaCandidate() {

			@Override
			public DataSourceNode node() {
				return node;
			}

			@Override
			public java.time.Duration lag() {
				return java.time.Duration.ZERO;
			}

			@Override
			public long lagBytes() {
				return 0;
			}

			@Override
			public WalPosition replayPosition() {
				return WalPosition.of(replayLsn);
			}

			@Override
			public int activeConnections() {
				return 0;
			}

		};
	}

	private static final class FixedTopology implements RoutingTopology {

		private final List<ReplicaCandidate> candidates;

		FixedTopology(List<ReplicaCandidate> candidates) {
			this.candidates = candidates;
		}

		@Override
		public List<ReplicaCandidate> eligibleReplicas() {
			return this.candidates;
		}

		@Override
		public String primaryUnavailableReason() {
			return null;
		}

		@Override
		public String describeIneligibleReplicas() {
			return "";
		}

		@Override
		public void reportFailure(DataSourceNode node, Throwable failure) {
		}

	}

	private static final class MutableTopology implements RoutingTopology {

		private volatile List<ReplicaCandidate> candidates;

		private MutableTopology(List<ReplicaCandidate> candidates) {
			this.candidates = candidates;
		}

		@Override
		public List<ReplicaCandidate> eligibleReplicas() {
			return this.candidates;
		}

		@Override
		public String primaryUnavailableReason() {
			return null;
		}

		@Override
		public String describeIneligibleReplicas() {
			return "";
		}

		@Override
		public void reportFailure(DataSourceNode node, Throwable failure) {
		}

	}

	private static final class RecordingGuard implements ConsistencyGuard {

		private int writes;

		private WalPosition required = WalPosition.ZERO;

		private WalPosition seen = WalPosition.UNKNOWN;

		@Override
		public void afterWrite(Connection primary) {
			this.writes++;
		}

		private long primaryOnlyUntil;

		void primaryOnlyFor(java.time.Duration duration) {
			this.primaryOnlyUntil = System.nanoTime() + duration.toNanos();
		}

		@Override
		public WalPosition requiredPosition() {
			if (this.primaryOnlyUntil != 0) {
				return (System.nanoTime() < this.primaryOnlyUntil) ? WalPosition.CURRENT : WalPosition.ZERO;
			}
			return this.required;
		}

		@Override
		public java.time.Duration primaryOnlyRemaining() {
			if (this.primaryOnlyUntil == 0) {
				return ConsistencyGuard.super.primaryOnlyRemaining();
			}
			return java.time.Duration.ofNanos(Math.max(0, this.primaryOnlyUntil - System.nanoTime()));
		}

		@Override
		public java.time.Duration maxWaitWithoutPrimary() {
			return java.time.Duration.ofSeconds(1);
		}

		@Override
		public void afterRead(WalPosition replayPosition) {
			this.seen = this.seen.max(replayPosition);
		}

		@Override
		public java.time.Duration maxWait() {
			return java.time.Duration.ZERO;
		}

	}

	private ReplicaRoutingDataSource router(NonTransactionalReads nonTransactionalReads) {
		return new ReplicaRoutingDataSource(nodes(), RoutingTopology.allEligible(List.of(this.replica1, this.replica2)),
				new RoundRobinReplicaSelector(), Fallback.PRIMARY, nonTransactionalReads, true, ConsistencyGuard.NONE);
	}

	private ReplicaRoutingDataSource router(RoutingTopology topology, Fallback fallback) {
		return new ReplicaRoutingDataSource(nodes(), topology, new RoundRobinReplicaSelector(), fallback,
				NonTransactionalReads.PRIMARY, true, ConsistencyGuard.NONE);
	}

	private DatabaseNodes nodes() {
		return new DatabaseNodes(this.primary, List.of(this.replica1, this.replica2));
	}

	private static final class RecordingTopology implements RoutingTopology {

		private final RoutingTopology eligible;

		private final List<DataSourceNode> failed = new java.util.ArrayList<>();

		private String primaryUnavailable;

		RecordingTopology(List<DataSourceNode> eligible) {
			this.eligible = RoutingTopology.allEligible(eligible);
		}

		@Override
		public List<ReplicaCandidate> eligibleReplicas() {
			return this.eligible.eligibleReplicas();
		}

		@Override
		public String primaryUnavailableReason() {
			return this.primaryUnavailable;
		}

		@Override
		public String describeIneligibleReplicas() {
			return "replica-1 lagging (3 s behind)";
		}

		@Override
		public void reportFailure(DataSourceNode node, Throwable failure) {
			this.failed.add(node);
		}

	}

}
