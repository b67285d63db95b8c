package io.replicarouter.replica;

import io.replicarouter.WalPosition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.replicarouter.jdbc.JdbcUrls;
import io.replicarouter.routing.ConnectionFailures;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.NodeRole;
import org.jspecify.annotations.Nullable;

/**
 * The state machine of node health: what a node's next {@link NodeHealth} is, given its
 * previous one and what a probe or a failure in use just said. No I/O: the monitor runs
 * the probes and acts on the result ({@link Transition#evictPool()}); time comes from the
 * {@link Clock}, so every transition can be tested without a server or a sleep.
 * <p>
 * Keeps what the transitions need to remember between probes: the primary's WAL history
 * (the basis of replica lag in time), the identity of the server answering for the primary
 * and its cluster's system identifier. Called under the monitor's publish lock.
 * <p>
 * <b>Damping.</b> A node that served (in rotation, or a primary that answered) leaves its
 * state for {@link NodeState#DOWN} only after {@code failureThreshold} failures in a row,
 * probes or failures in use, or at once when a failure shows the server is gone
 * ({@link ConnectionFailures#isServerGone}: refused, reset, end of stream, shutdown). Until
 * then it keeps its state and says in its detail that it is suspect. A node never yet
 * probed successfully, or already down, is down at the first failure. A replica whose
 * probes only time out (the server answered the cancel: it is slow, its connections work)
 * is kept in rotation when taking it out would leave fewer than {@code minInRotation}
 * replicas there.
 */
final class NodeHealthTransitions {

	private static final String SUSPECT = "; suspect: ";

	private final HealthThresholds thresholds;

	private final Map<String, HealthThresholds> nodeThresholds = new ConcurrentHashMap<>();

	private final int failureThreshold;

	private final int minInRotation;

	private final Clock clock;

	private final WalPositionHistory primaryHistory = new WalPositionHistory();

	private @Nullable String primaryIdentity;

	private @Nullable String primarySystemIdentifier;

	NodeHealthTransitions(HealthThresholds thresholds, Clock clock) {
		this(thresholds, 3, 1, clock);
	}

	NodeHealthTransitions(HealthThresholds thresholds, int failureThreshold, int minInRotation, Clock clock) {
		this.thresholds = thresholds;
		this.failureThreshold = Math.max(1, failureThreshold);
		this.minInRotation = Math.max(0, minInRotation);
		this.clock = clock;
	}

	/**
	 * Give a replica lag limits of its own (its group's), instead of the common ones.
	 * @param node the replica's name
	 * @param thresholds its limits
	 */
	void thresholds(String node, HealthThresholds thresholds) {
		this.nodeThresholds.put(node, thresholds);
	}

	private HealthThresholds thresholdsOf(DataSourceNode node) {
		return this.nodeThresholds.getOrDefault(node.name(), this.thresholds);
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
		if (result.systemIdentifier() != null) {
			this.primarySystemIdentifier = result.systemIdentifier();
		}
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
		String cluster = result.systemIdentifier();
		String primaryCluster = this.primarySystemIdentifier;
		if (cluster != null && primaryCluster != null && !cluster.equals(primaryCluster)) {
			return new NodeHealth(node, NodeState.MISCONFIGURED, "belongs to another cluster: its system_identifier is "
					+ cluster + " but the primary's (spring.datasource.url) is " + primaryCluster
					+ ", so it does not stream from this primary and its data and WAL positions are not the primary's."
					+ " Point its URL at a standby of this primary, or re-create it from this primary"
					+ " (pg_basebackup)", result.inRecovery(), result.replayLsn(), result.receiveLsn(), 0, Duration.ZERO,
					at, at, 0);
		}
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
		HealthThresholds thresholds = thresholdsOf(node);
		boolean eligible = inRotation ? !thresholds.exceeds(lag, lagBytes) : thresholds.allowsRejoin(lag, lagBytes);
		if (eligible && previous.state() == NodeState.DOWN && !poolReconnected) {
			// Back too early, reads would wait for the pool's connection timeout and report the
			// replica down again: health would flap.
			return new NodeHealth(node, NodeState.DOWN,
					"answers probes again; back in rotation once its connection pool has reconnected", true, replay,
					result.receiveLsn(), lagBytes, lag, at, at, 0);
		}
		String detail = eligible ? "streaming" : lagDetail(thresholds, lag, lagBytes, inRotation);
		return new NodeHealth(node, eligible ? NodeState.UP : NodeState.LAGGING, detail, true, replay,
				result.receiveLsn(), lagBytes, lag, at, at, 0);
	}

	/**
	 * A probe of a node failed: it stopped answering, answers too slowly, or the server is
	 * gone.
	 * @param previous the node's health before the probe
	 * @param failure what failed
	 * @param othersInRotation how many other replicas are in rotation now (ignored for the
	 * primary)
	 * @return the node's next health: {@link NodeState#DOWN} once it must leave, else its
	 * previous state, marked suspect
	 */
	NodeHealth probeFailed(NodeHealth previous, Throwable failure, int othersInRotation) {
		// The probe's own query timeout fired and the server cancelled the query: it is
		// slow, not gone, and its connections still work.
		boolean slow = ConnectionFailures.isStatementCancelled(failure);
		return failed(previous, failure, slow ? "probe timed out" : "probe failed", slow, othersInRotation);
	}

	/**
	 * A connection of the node failed while the application used it.
	 * @param previous the node's health before
	 * @param failure what failed
	 * @return the node's next health
	 */
	NodeHealth failedInUse(NodeHealth previous, Throwable failure) {
		return failed(previous, failure, "failed in use", false, Integer.MAX_VALUE);
	}

	private NodeHealth failed(NodeHealth previous, Throwable failure, String what, boolean slow,
			int othersInRotation) {
		int failures = previous.consecutiveFailures() + 1;
		String reason = what + ": " + describe(failure);
		NodeState state = previous.state();
		boolean gone = ConnectionFailures.isServerGone(failure);
		if (state == NodeState.UNKNOWN || state == NodeState.DOWN || gone) {
			// Never seen healthy, already down, or certainly gone: nothing to wait for.
			return down(previous, reason + (gone && state != NodeState.DOWN ? " (the server is gone)" : ""),
					failures);
		}
		String base = baseDetail(previous.detail());
		if (failures < this.failureThreshold) {
			return suspect(previous, base + SUSPECT + failures + " of " + this.failureThreshold
					+ " failures in a row before it is down; " + reason, failures);
		}
		if (slow && state == NodeState.UP && previous.node().role() == NodeRole.REPLICA
				&& othersInRotation < this.minInRotation) {
			return suspect(previous, base + SUSPECT + "kept in rotation despite " + failures
					+ " slow probes in a row: it is one of the last " + this.minInRotation
					+ " replicas in rotation (replica-router.health.min-in-rotation) and its connections still work; "
					+ reason, failures);
		}
		return down(previous, reason + (failures > 1 ? " (" + failures + " failures in a row)" : ""), failures);
	}

	private NodeHealth suspect(NodeHealth previous, String detail, int failures) {
		return new NodeHealth(previous.node(), previous.state(), detail, previous.inRecovery(), previous.walLsn(),
				previous.receiveLsn(), previous.lagBytes(), previous.lag(), this.clock.instant(),
				previous.lastSuccess(), failures);
	}

	private NodeHealth down(NodeHealth previous, String detail, int failures) {
		return new NodeHealth(previous.node(), NodeState.DOWN, detail, previous.inRecovery(), previous.walLsn(),
				previous.receiveLsn(), previous.lagBytes(), previous.lag(), this.clock.instant(),
				previous.lastSuccess(), failures);
	}

	private static String baseDetail(String detail) {
		int suspect = detail.indexOf(SUSPECT);
		return (suspect >= 0) ? detail.substring(0, suspect) : detail;
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

	private static String lagDetail(HealthThresholds thresholds, Duration lag, long lagBytes, boolean inRotation) {
		String limits = "max-lag " + thresholds.maxLag().toMillis() + " ms"
				+ ((thresholds.maxLagBytes() > 0) ? ", max-lag-bytes " + thresholds.maxLagBytes() : "");
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
