package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

import javax.sql.DataSource;

import io.replicarouter.WalPosition;
import io.replicarouter.replica.RoundRobinReplicaSelector;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Unit tests of {@link RoutingConnection}, the lazy handle: one binding per transaction
 * or auto-commit unit, and questions answered without binding. Against stub pools; the
 * same shapes against real PostgreSQL (open-in-view, wrappers) are in the conformance
 * tests.
 */
class RoutingConnectionTests {

	private final DataSource primaryPool = mock(DataSource.class);

	private final DataSource replicaPool = mock(DataSource.class);

	private final Connection primaryConnection = mock(Connection.class);

	private final Connection replicaConnection = mock(Connection.class);

	private final RecordingGuard guard = new RecordingGuard();

	private DataSourceNode primary;

	private DataSourceNode replica;

	@BeforeEach
	void setUp() throws SQLException {
		given(this.primaryPool.getConnection()).willReturn(this.primaryConnection);
		given(this.replicaPool.getConnection()).willReturn(this.replicaConnection);
		given(this.primaryConnection.getAutoCommit()).willReturn(true);
		given(this.replicaConnection.getAutoCommit()).willReturn(true);
		this.primary = new DataSourceNode("primary", NodeRole.PRIMARY, this.primaryPool, "jdbc:postgresql://p/db", 1);
		this.replica = new DataSourceNode("replica-1", NodeRole.REPLICA, this.replicaPool, "jdbc:postgresql://r/db", 1);
	}

	@Test
	void aHeldHandleIsRoutedAfreshForEachTransaction() throws SQLException {
		// What an EntityManager held open for a whole web request (open-in-view) does.
		Connection handle = router(NonTransactionalReads.PRIMARY).getConnection();
		RoutedConnection routed = handle.unwrap(RoutedConnection.class);
		beginReadOnly(handle);
		handle.prepareStatement("select 1");
		assertThat(routed.node()).isSameAs(this.replica);
		handle.commit();
		verify(this.replicaConnection).close();
		endTransaction(handle, true);
		handle.setAutoCommit(false);
		handle.prepareStatement("insert into t values (1)");
		assertThat(routed.node()).isSameAs(this.primary);
		assertThat(routed.reason()).isEqualTo(RoutingReason.READ_WRITE);
		handle.commit();
		verify(this.primaryConnection).close();
		assertThat(this.guard.writes).isEqualTo(1);
		endTransaction(handle, false);
		beginReadOnly(handle);
		handle.prepareStatement("select 1");
		assertThat(routed.node()).isSameAs(this.replica);
		assertThat(routed.reason()).isEqualTo(RoutingReason.READ_ONLY);
	}

	@Test
	void aRolledBackTransactionReturnsItsConnectionAndRecordsNoWrite() throws SQLException {
		Connection handle = router(NonTransactionalReads.PRIMARY).getConnection();
		handle.setAutoCommit(false);
		handle.prepareStatement("insert into t values (1)");
		handle.rollback();
		verify(this.primaryConnection).close();
		assertThat(this.guard.writes).isZero();
	}

	@Test
	void workInAutoCommitModeEndsWhenATransactionBegins() throws SQLException {
		// A wrapper or ORM asks for metadata before the transaction manager marks the
		// connection read-only: that must not pin the read-only transaction to the primary.
		Connection handle = router(NonTransactionalReads.PRIMARY).getConnection();
		handle.getMetaData();
		assertThat(handle.unwrap(RoutedConnection.class).node()).isSameAs(this.primary);
		beginReadOnly(handle);
		verify(this.primaryConnection).close();
		handle.prepareStatement("select 1");
		assertThat(handle.unwrap(RoutedConnection.class).node()).isSameAs(this.replica);
		assertThat(this.guard.writes).as("metadata alone is no write").isZero();
	}

	@Test
	void statementsInAutoCommitModeOnThePrimaryAreRecordedAsAWriteWhenTheUnitEnds() throws SQLException {
		Connection handle = router(NonTransactionalReads.PRIMARY).getConnection();
		handle.prepareStatement("insert into t values (1)");
		handle.setAutoCommit(false);
		assertThat(this.guard.writes).isEqualTo(1);
		verify(this.primaryConnection).close();
	}

	@Test
	void theIsolationLevelIsAnsweredWithoutBinding() throws SQLException {
		given(this.primaryConnection.getTransactionIsolation()).willReturn(Connection.TRANSACTION_READ_COMMITTED);
		given(this.primaryConnection.getHoldability()).willReturn(ResultSet.CLOSE_CURSORS_AT_COMMIT);
		Connection handle = router(NonTransactionalReads.REPLICA).getConnection();
		assertThat(handle.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
		assertThat(handle.getHoldability()).isEqualTo(ResultSet.CLOSE_CURSORS_AT_COMMIT);
		assertThat(handle.unwrap(RoutedConnection.class).node()).isNull();
		handle.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
		assertThat(handle.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
		handle.setAutoCommit(false);
		handle.prepareStatement("insert into t values (1)");
		assertThat(handle.unwrap(RoutedConnection.class).node()).isSameAs(this.primary);
		verify(this.primaryConnection).setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
		// the defaults were read once, from a connection given back at once
		verify(this.primaryPool, times(2)).getConnection();
		verify(this.replicaPool, never()).getConnection();
	}

	@Test
	void aReadOnlySerializableTransactionRunsOnThePrimary() throws SQLException {
		Connection handle = router(NonTransactionalReads.PRIMARY).getConnection();
		handle.setReadOnly(true);
		handle.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
		handle.setAutoCommit(false);
		handle.prepareStatement("select 1");
		RoutedConnection routed = handle.unwrap(RoutedConnection.class);
		assertThat(routed.node()).isSameAs(this.primary);
		assertThat(routed.reason()).isEqualTo(RoutingReason.SERIALIZABLE_READ);
		verify(this.primaryConnection).setReadOnly(true);
		handle.commit();
		assertThat(this.guard.writes).isZero();
	}

	@Test
	void aReadThatRanOnThePrimaryForConsistencyAndWroteIsRecorded() throws SQLException {
		this.guard.required = WalPosition.CURRENT;
		Connection handle = router(NonTransactionalReads.REPLICA).getConnection();
		handle.prepareStatement("insert into t values (1)");
		RoutedConnection routed = handle.unwrap(RoutedConnection.class);
		assertThat(routed.node()).isSameAs(this.primary);
		assertThat(routed.reason()).isEqualTo(RoutingReason.CONSISTENCY);
		handle.close();
		assertThat(this.guard.writes).isEqualTo(1);
	}

	@Test
	void cursorsHeldOverCommitsKeepTheirConnection() throws SQLException {
		// Spring Batch's cursor readers on a shared connection rely on this.
		Connection handle = router(NonTransactionalReads.PRIMARY).getConnection();
		handle.setAutoCommit(false);
		handle.prepareStatement("select * from t", ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY,
				ResultSet.HOLD_CURSORS_OVER_COMMIT);
		handle.commit();
		verify(this.primaryConnection, never()).close();
		assertThat(this.guard.writes).isEqualTo(1);
		handle.prepareStatement("select 1");
		verify(this.primaryPool, times(1)).getConnection();
	}

	@Test
	void abortGivesThePoolSlotBack() throws SQLException {
		Connection handle = router(NonTransactionalReads.PRIMARY).getConnection();
		beginReadOnly(handle);
		handle.prepareStatement("select 1");
		Executor executor = Runnable::run;
		handle.abort(executor);
		verify(this.replicaConnection).abort(executor);
		verify(this.replicaConnection).close();
	}

	private static void beginReadOnly(Connection handle) throws SQLException {
		// the order Spring's transaction managers use
		handle.setReadOnly(true);
		handle.setAutoCommit(false);
	}

	private static void endTransaction(Connection handle, boolean readOnly) throws SQLException {
		handle.setAutoCommit(true);
		if (readOnly) {
			handle.setReadOnly(false);
		}
	}

	private ReplicaRoutingDataSource router(NonTransactionalReads nonTransactionalReads) {
		return new ReplicaRoutingDataSource(new DatabaseNodes(this.primary, List.of(this.replica)),
				RoutingTopology.allEligible(List.of(this.replica)), new RoundRobinReplicaSelector(), Fallback.PRIMARY,
				nonTransactionalReads, true, this.guard);
	}

	/**
	 * Counts recorded writes, and requires what the test says.
	 */
	private static final class RecordingGuard implements ConsistencyGuard {

		private int writes;

		private WalPosition required = WalPosition.ZERO;

		private final List<WalPosition> reads = new ArrayList<>();

		@Override
		public void afterWrite(Connection primary) {
			this.writes++;
		}

		@Override
		public WalPosition requiredPosition() {
			return this.required;
		}

		@Override
		public void afterRead(WalPosition replayPosition) {
			this.reads.add(replayPosition);
		}

		@Override
		public Duration maxWait() {
			return Duration.ZERO;
		}

		@Override
		public boolean queriesAfterWrite() {
			return false;
		}

	}

}
