package io.replicarouter.replica;

import io.replicarouter.WalPosition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.replicarouter.jdbc.JdbcUrls;
import io.replicarouter.routing.DataSourceNode;
import org.jspecify.annotations.Nullable;

/**
 * The state machine of node health: what a node's next {@link NodeHealth} is, given its
 * previous one and what a probe or a failure in use just said. No I/O: the monitor runs
 * the probes and acts on the result ({@link Transition#evictPool()}); time comes from the
 * {@link Clock}, so every transition can be tested without a server or a sleep.
 * <p>
 * Keeps what the transitions need to remember between probes: the primary's WAL history
 * (the basis of replica lag in time) and the identity of the server answering for the
 * primary. Called under the monitor's publish lock.
 */
final class NodeHealthTransitions {

	private final HealthThresholds thresholds;

	private final Clock clock;

	private final WalPositionHistory primaryHistory = new WalPositionHistory();

	private @Nullable String primaryIdentity;

	NodeHealthTransitions(HealthThresholds thresholds, Clock clock) {
		this.thresholds = thresholds;
		this.clock = clock;
	}

	/**
	 * A probe of the primary succeeded.
	 * @param node the primary
	 * @param result what the probe found
	 * @return the primary's next health, and whether its pooled connections must go
	 */
	Transition primaryProbed(DataSourceNode node, ProbeResult result) {
		Instant at = this.clock.instant();
		String previousIdentity = this.primaryIdentity;
		this.primaryIdentity = result.serverIdentity();
		if (result.inRecovery()) {
			return new Transition(new NodeHealth(node, NodeState.DEMOTED,
					"in recovery (a read-only standby): writes fail fast", true, result.replayLsn(),
					result.receiveLsn(), 0, Duration.ZERO, at, at, 0), true);
		}
		// Another server answers for the primary (failover), or it restarted: pooled
		// connections may lead to the old one.
		boolean otherServer = previousIdentity != null && !previousIdentity.equals(result.serverIdentity());
		this.primaryHistory.record(result.currentLsn(), at.toEpochMilli());
		return new Transition(new NodeHealth(node, NodeState.UP, "primary", false, result.currentLsn(),
				WalPosition.UNKNOWN, 0, Duration.ZERO, at, at, 0), otherServer);
	}

	/**
	 * A probe of a replica succeeded.
	 * @param node the replica
	 * @param result what the probe found
	 * @param previous the replica's health before the probe
	 * @param poolReconnected whether the replica's pool can serve again (see
	 * {@link ReplicaHealthMonitor#poolHasReconnected})
	 * @return the replica's next health
	 */
	NodeHealth replicaProbed(DataSourceNode node, ProbeResult result, NodeHealth previous, boolean poolReconnected) {
		Instant at = this.clock.instant();
		if (!result.inRecovery()) {
			String detail = sameServer(result.serverIdentity(), this.primaryIdentity)
					? "it is the primary itself (same server as spring.datasource.url), so it must never serve reads"
							+ " as a replica"
					: "not in recovery: it accepts writes, so it is no streaming replica (was it promoted?)";
			return new NodeHealth(node, NodeState.MISCONFIGURED, detail, false, result.currentLsn(),
					WalPosition.UNKNOWN, 0, Duration.ZERO, at, at, 0);
		}
		WalPosition replay = result.replayLsn();
		if (!replay.isKnown()) {
			return new NodeHealth(node, NodeState.LAGGING, "has not replayed any WAL yet", true, replay,
					result.receiveLsn(), 0, Duration.ZERO, at, at, 0);
		}
		long lagBytes = this.primaryHistory.latest().bytesAfter(replay);
		Duration lag = this.primaryHistory.lag(replay, at.toEpochMilli());
		boolean inRotation = previous.state() == NodeState.UP || previous.state() == NodeState.UNKNOWN;
		boolean eligible = inRotation ? !this.thresholds.exceeds(lag, lagBytes)
				: this.thresholds.allowsRejoin(lag, lagBytes);
		if (eligible && previous.state() == NodeState.DOWN && !poolReconnected) {
			// Back too early, reads would wait for the pool's connection timeout and report the
			// replica down again: health would flap.
			return new NodeHealth(node, NodeState.DOWN,
					"answers probes again; back in rotation once its connection pool has reconnected", true, replay,
					result.receiveLsn(), lagBytes, lag, at, at, 0);
		}
		String detail = eligible ? "streaming" : lagDetail(lag, lagBytes, inRotation);
		return new NodeHealth(node, eligible ? NodeState.UP : NodeState.LAGGING, detail, true, replay,
				result.receiveLsn(), lagBytes, lag, at, at, 0);
	}

	/**
	 * A probe of a node failed: it stopped answering, or answers too slowly to be used.
	 * @param previous the node's health before the probe
	 * @param failure what failed
	 * @return the node's next health
	 */
	NodeHealth probeFailed(NodeHealth previous, Throwable failure) {
		return down(previous, "probe failed: " + describe(failure));
	}

	/**
	 * A connection of the node failed while the application used it.
	 * @param previous the node's health before
	 * @param failure what failed
	 * @return the node's next health
	 */
	NodeHealth failedInUse(NodeHealth previous, Throwable failure) {
		return down(previous, "failed in use: " + describe(failure));
	}

	private NodeHealth down(NodeHealth previous, String detail) {
		return new NodeHealth(previous.node(), NodeState.DOWN, detail, previous.inRecovery(), previous.walLsn(),
				previous.receiveLsn(), previous.lagBytes(), previous.lag(), this.clock.instant(),
				previous.lastSuccess(), previous.consecutiveFailures() + 1);
	}

	/**
	 * Whether two probe identities ({@code address:port@start time}) are the same server.
	 * The address is left out: one server answers on several addresses (localhost,
	 * 127.0.0.1, a host name), while its port and start time to the microsecond tell it
	 * apart from any other.
	 */
	private static boolean sameServer(@Nullable String identity, @Nullable String primaryIdentity) {
		if (identity == null || primaryIdentity == null) {
			return false;
		}
		int colon = identity.lastIndexOf(':', identity.indexOf('@'));
		int primaryColon = primaryIdentity.lastIndexOf(':', primaryIdentity.indexOf('@'));
		return colon >= 0 && primaryColon >= 0
				&& identity.substring(colon).equals(primaryIdentity.substring(primaryColon));
	}

	private String lagDetail(Duration lag, long lagBytes, boolean inRotation) {
		String limits = "max-lag " + this.thresholds.maxLag().toMillis() + " ms"
				+ ((this.thresholds.maxLagBytes() > 0) ? ", max-lag-bytes " + this.thresholds.maxLagBytes() : "");
		return lag.toMillis() + " ms / " + lagBytes + " bytes behind the primary (" + limits
				+ (inRotation ? ")" : "; rejoins at half of each)");
	}

	private static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
		return JdbcUrls.mask(message);
	}

	/**
	 * A node's next health, and whether the monitor must evict its pooled connections
	 * (they may lead to another server than the one that now answers).
	 * @param next the next health
	 * @param evictPool whether to evict the pool's connections
	 */
	record Transition(NodeHealth next, boolean evictPool) {

	}

}
