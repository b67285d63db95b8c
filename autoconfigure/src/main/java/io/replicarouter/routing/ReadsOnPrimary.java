package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.function.Supplier;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.WalPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The reads the primary serves in place of a replica: its share of the read rotation, the
 * fallback when no replica can serve (capped, so that the replicas' whole load never lands
 * on the primary), and reads that read-your-writes sends there. Writes are
 * {@link PrimaryWrites}'.
 */
final class ReadsOnPrimary {

	private static final Log logger = LogFactory.getLog(ReadsOnPrimary.class);

	private static final int VALIDATION_TIMEOUT_SECONDS = 1;

	private final DataSourceNode primary;

	private final PrimaryAccess access;

	private final RoutingTopology topology;

	private final RoutingStatistics statistics;

	private volatile FallbackLimit fallbackLimit = FallbackLimit.NONE;

	private volatile PrimaryReadShare share = PrimaryReadShare.NONE;

	ReadsOnPrimary(DataSourceNode primary, PrimaryAccess access, RoutingTopology topology,
			RoutingStatistics statistics) {
		this.primary = primary;
		this.access = access;
		this.topology = topology;
		this.statistics = statistics;
	}

	FallbackLimit fallbackLimit() {
		return this.fallbackLimit;
	}

	void setFallbackLimit(FallbackLimit fallbackLimit) {
		this.fallbackLimit = fallbackLimit;
	}

	PrimaryReadShare share() {
		return this.share;
	}

	void setShare(PrimaryReadShare share) {
		this.share = share;
	}

	/**
	 * Bind a read-only transaction to the primary as its share of the reads, when the share
	 * gives it the read ({@link PrimaryReadShare#takes}) and the fallback's limit a turn;
	 * {@code null} sends it to the replicas. Never on a thread running a read again after
	 * the primary failed under it.
	 * @return the binding, or {@code null}
	 */
	@Nullable Binding shareOfReads() {
		PrimaryReadShare share = this.share;
		if (share == PrimaryReadShare.NONE) {
			return null;
		}
		FallbackLimit limit = this.fallbackLimit;
		if (!DataSourceNode.DEFAULT_GROUP.equals(ReplicaSetDataSource.currentGroup())
				|| !share.takes(this.primary.dataSource(), this.topology.eligibleReplicas())
				|| RoutingThreadState.current().verifyPrimary || this.topology.primaryUnavailableReason() != null
				|| !limit.tryAcquire()) {
			return null;
		}
		try {
			return bind(RoutingReason.PRIMARY_SHARE);
		}
		catch (SQLException | RuntimeException ex) {
			limit.release();
			logger.debug("The primary could not take its share of the reads; a replica serves this one", ex);
			return null;
		}
	}

	/**
	 * Serve a read no replica can serve, within the fallback's limit.
	 * @param unavailable describes why no replica can serve, for the limit's exception
	 * @return the binding
	 * @throws SQLException if the limit refuses the read or the primary cannot serve it
	 */
	Binding fallback(Supplier<String> unavailable) throws SQLException {
		FallbackLimit limit = this.fallbackLimit;
		try {
			limit.acquire(unavailable);
		}
		catch (FallbackLimitException ex) {
			this.statistics.recordFallbackRefused();
			throw ex;
		}
		try {
			return read(RoutingReason.FALLBACK);
		}
		catch (SQLException | RuntimeException ex) {
			limit.release();
			throw ex;
		}
	}

	/**
	 * Give back the turn a fallback read or the primary's share took, when its work ended.
	 * @param binding the binding that ended
	 */
	void released(Binding binding) {
		if ((binding.reason() == RoutingReason.FALLBACK || binding.reason() == RoutingReason.PRIMARY_SHARE)
				&& binding.node().role() == NodeRole.PRIMARY) {
			this.fallbackLimit.release();
		}
	}

	/**
	 * Try the primary for a read that read-your-writes sends there.
	 * @param detail appended to the message when the topology already knows the primary is
	 * unavailable
	 * @return the binding, or the failure when the primary is unavailable or failed as a
	 * node
	 * @throws SQLException if it failed otherwise
	 */
	Attempt forConsistency(String detail) throws SQLException {
		String unavailable = this.topology.primaryUnavailableReason();
		if (unavailable != null) {
			return new Attempt(null,
					new SQLException("The primary is unavailable (" + unavailable + ")" + detail, "08001"));
		}
		try {
			return new Attempt(read(RoutingReason.CONSISTENCY), null);
		}
		catch (PrimaryUnavailableException ex) {
			return new Attempt(null, ex);
		}
		catch (SQLException ex) {
			if (!ConnectionFailures.isNodeFailure(ex)) {
				throw ex;
			}
			return new Attempt(null, ex);
		}
	}

	/**
	 * Take a connection of the primary for a read. On a thread that runs a read-only
	 * transaction again because the primary failed under the last attempt
	 * ({@link RoutingThreadState#verifyPrimary}), the connection is checked first: after a
	 * crash every pooled connection is dead, and without the check each attempt would take
	 * the next one and fail again instead of turning to a replica.
	 */
	private Binding read(RoutingReason reason) throws SQLException {
		if (!RoutingThreadState.current().verifyPrimary) {
			return bind(reason);
		}
		Connection connection = connect(reason);
		SQLException failure = null;
		try {
			if (connection.isValid(VALIDATION_TIMEOUT_SECONDS)) {
				return new Binding(connection, this.primary, reason, WalPosition.CURRENT, false);
			}
		}
		catch (SQLException ex) {
			failure = ex;
		}
		discard(connection);
		throw new SQLException("The primary did not answer a check after it failed under a read", "08006", failure);
	}

	/**
	 * Bind a read to the primary that could have run on a replica: it fails at once while
	 * the primary is known to be down.
	 */
	private Binding bind(RoutingReason reason) throws SQLException {
		return new Binding(connect(reason), this.primary, reason, WalPosition.CURRENT, false);
	}

	/**
	 * A fallback read has nowhere else to go: like a write, it waits the unavailable wait
	 * for a primary known to be down (a failover behind the same URL may bring one back
	 * before the monitor's next probe). A read for read-your-writes does not: it turns to
	 * the replicas at once.
	 */
	private Connection connect(RoutingReason reason) throws SQLException {
		return this.access.connect(reason == RoutingReason.FALLBACK);
	}

	private void discard(Connection connection) {
		try {
			if (this.primary.dataSource() instanceof HikariDataSource hikari) {
				hikari.evictConnection(connection);
			}
			else {
				connection.close();
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("Could not discard a broken connection of " + this.primary.name(), ex);
		}
	}

	/**
	 * The outcome of trying the primary: a connection, or why it could not serve.
	 * @param binding the binding, {@code null} when the primary could not serve
	 * @param failure why it could not, {@code null} when it served
	 */
	record Attempt(@Nullable Binding binding, @Nullable SQLException failure) {

		@Override
		public SQLException failure() {
			return Objects.requireNonNull(this.failure);
		}

	}

}
