package io.replicarouter.actuate;

import java.util.List;

import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.Fallback;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * What this instance can serve now, from the monitor's last probes: the indicator the
 * {@code readiness} group includes. Unlike {@link ReplicationHealthIndicator}, which
 * describes the database cluster (and is {@code DOWN} without a primary), it answers "can
 * this instance do useful work?":
 * <ul>
 * <li>{@code UP}: writes go to the primary and reads to replicas;</li>
 * <li>{@link ReplicaRouterStatus#DEGRADED}: the primary works but no replica is in rotation,
 * so reads run on the primary ({@code fallback=primary}) or fail ({@code fallback=fail});</li>
 * <li>{@link ReplicaRouterStatus#READ_ONLY}: the primary is unavailable, replicas in rotation
 * serve the reads;</li>
 * <li>{@code DOWN}: neither the primary nor any replica can serve;</li>
 * <li>{@code UNKNOWN}: the primary was not probed yet.</li>
 * </ul>
 * Runs no query.
 */
public class RoutingHealthIndicator extends AbstractHealthIndicator {

	private final ReplicaHealthMonitor monitor;

	private final Fallback fallback;

	/**
	 * Create an indicator.
	 * @param monitor the monitor whose cached state it reports
	 * @param fallback what reads do when no replica is in rotation
	 */
	public RoutingHealthIndicator(ReplicaHealthMonitor monitor, Fallback fallback) {
		super("Routing health check failed");
		this.monitor = monitor;
		this.fallback = fallback;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		NodeHealth primary = this.monitor.primaryHealth();
		List<NodeHealth> replicas = this.monitor.replicaHealth();
		long eligible = replicas.stream().filter(NodeHealth::isEligible).count();
		Status status = status(primary.state(), eligible);
		builder.status(status)
			.withDetail("writes", writes(primary))
			.withDetail("reads", reads(primary.state(), eligible))
			.withDetail("eligibleReplicas", eligible)
			.withDetail("replicas", replicas.size());
	}

	/**
	 * The status for a primary in the given state and so many replicas in rotation.
	 * @param primary the primary's state
	 * @param eligibleReplicas how many replicas are in rotation
	 * @return the status
	 */
	static Status status(NodeState primary, long eligibleReplicas) {
		if (primary == NodeState.UNKNOWN) {
			return Status.UNKNOWN;
		}
		if (primary == NodeState.UP) {
			return (eligibleReplicas > 0) ? Status.UP : ReplicaRouterStatus.DEGRADED;
		}
		return (eligibleReplicas > 0) ? ReplicaRouterStatus.READ_ONLY : Status.DOWN;
	}

	private static String writes(NodeHealth primary) {
		return switch (primary.state()) {
			case UP -> "on " + primary.node().name();
			case UNKNOWN -> "unknown: " + primary.node().name() + " not probed yet";
			default -> "failing: " + primary.node().name() + " " + primary.state().name().toLowerCase() + " ("
					+ primary.detail() + ")";
		};
	}

	private String reads(NodeState primary, long eligible) {
		if (eligible > 0) {
			return "on " + eligible + ((eligible > 1) ? " replicas" : " replica");
		}
		if (primary != NodeState.UP) {
			return (primary == NodeState.UNKNOWN) ? "unknown" : "failing: no replica in rotation and no primary";
		}
		return (this.fallback == Fallback.PRIMARY) ? "on the primary: no replica in rotation (fallback=primary)"
				: "failing: no replica in rotation (fallback=fail)";
	}

}
