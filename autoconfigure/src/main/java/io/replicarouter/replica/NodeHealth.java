package io.replicarouter.replica;

import io.replicarouter.WalPosition;
import java.time.Duration;
import java.time.Instant;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.ReplicaCandidate;
import org.jspecify.annotations.Nullable;

/**
 * What the monitor knows about one node after its last probe. Immutable; a new instance
 * is published after every probe.
 */
public final class NodeHealth implements ReplicaCandidate {

	private final DataSourceNode node;

	private final NodeState state;

	private final String detail;

	private final @Nullable Boolean inRecovery;

	private final WalPosition walLsn;

	private final WalPosition receiveLsn;

	private final long lagBytes;

	private final Duration lag;

	private final @Nullable Instant lastProbe;

	private final @Nullable Instant lastSuccess;

	private final int consecutiveFailures;

	private final @Nullable HikariPoolMXBean pool;

	NodeHealth(DataSourceNode node, NodeState state, String detail, @Nullable Boolean inRecovery,
			WalPosition walLsn, WalPosition receiveLsn, long lagBytes, Duration lag, @Nullable Instant lastProbe, @Nullable Instant lastSuccess,
			int consecutiveFailures) {
		this.node = node;
		this.state = state;
		this.detail = detail;
		this.inRecovery = inRecovery;
		this.walLsn = walLsn;
		this.receiveLsn = receiveLsn;
		this.lagBytes = lagBytes;
		this.lag = lag;
		this.lastProbe = lastProbe;
		this.lastSuccess = lastSuccess;
		this.consecutiveFailures = consecutiveFailures;
		this.pool = (node.dataSource() instanceof HikariDataSource hikari) ? hikari.getHikariPoolMXBean() : null;
	}

	static NodeHealth unknown(DataSourceNode node) {
		return new NodeHealth(node, NodeState.UNKNOWN, "not probed yet", null, WalPosition.UNKNOWN, WalPosition.UNKNOWN,
				0,
				Duration.ZERO, null, null, 0);
	}

	@Override
	public DataSourceNode node() {
		return this.node;
	}

	/**
	 * Return the state the monitor concluded.
	 * @return the state
	 */
	public NodeState state() {
		return this.state;
	}

	/**
	 * Return why the node is in its state, in words, with any credentials masked.
	 * @return the detail
	 */
	public String detail() {
		return this.detail;
	}

	/**
	 * Return whether the node may serve what its role asks of it: for a replica, whether it
	 * is in rotation. Only a node whose last probe found it {@link NodeState#UP} is: a
	 * replica not probed successfully yet is not, since its lag and role are unknown.
	 * @return whether the node is usable
	 */
	public boolean isEligible() {
		return this.state == NodeState.UP;
	}

	/**
	 * Return what {@code pg_is_in_recovery()} answered at the last successful probe.
	 * @return whether the server is in recovery, or {@code null} when never reached
	 */
	public @Nullable Boolean inRecovery() {
		return this.inRecovery;
	}

	/**
	 * Return the node's WAL position at the last successful probe: the current write
	 * position on a primary, the replay position on a replica.
	 * @return the position, or {@link WalPosition#UNKNOWN}
	 */
	public WalPosition walLsn() {
		return this.walLsn;
	}

	@Override
	public WalPosition replayPosition() {
		return (this.inRecovery == Boolean.TRUE) ? this.walLsn : WalPosition.UNKNOWN;
	}

	/**
	 * Return the position up to which a replica has received WAL.
	 * @return the position, or {@link WalPosition#UNKNOWN}
	 */
	public WalPosition receiveLsn() {
		return this.receiveLsn;
	}

	@Override
	public long lagBytes() {
		return this.lagBytes;
	}

	@Override
	public Duration lag() {
		return this.lag;
	}

	/**
	 * Return when the node was last probed.
	 * @return the time, or {@code null} before the first probe
	 */
	public @Nullable Instant lastProbe() {
		return this.lastProbe;
	}

	/**
	 * Return when a probe of the node last succeeded.
	 * @return the time, or {@code null} if none has
	 */
	public @Nullable Instant lastSuccess() {
		return this.lastSuccess;
	}

	/**
	 * Return how many probes or reported failures in a row found the node unreachable or
	 * too slow. A node that served stays in its state until the health's failure threshold
	 * is reached, unless the server is certainly gone.
	 * @return the count, 0 when the last probe succeeded
	 */
	public int consecutiveFailures() {
		return this.consecutiveFailures;
	}

	@Override
	public int activeConnections() {
		HikariPoolMXBean mxBean = this.pool;
		if (mxBean == null && this.node.dataSource() instanceof HikariDataSource hikari) {
			mxBean = hikari.getHikariPoolMXBean();
		}
		return (mxBean != null) ? mxBean.getActiveConnections() : 0;
	}

	/**
	 * Return this health as seen while an operator has drained the node.
	 * @return a copy in state {@link NodeState#DRAINED}
	 */
	NodeHealth drained() {
		return new NodeHealth(this.node, NodeState.DRAINED,
				"drained by an operator (otherwise " + this.state.name().toLowerCase() + ": " + this.detail + ")",
				this.inRecovery, this.walLsn, this.receiveLsn, this.lagBytes, this.lag, this.lastProbe,
				this.lastSuccess, this.consecutiveFailures);
	}

	@Override
	public String toString() {
		return this.node.name() + " " + this.state.name().toLowerCase() + " (" + this.detail + ")";
	}

}
