package io.replicarouter.actuate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.DataSourceNode;

import io.replicarouter.topology.TopologySource;
import io.replicarouter.topology.TopologyStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Replication health from the monitor's last probes: {@code DOWN} when the primary is
 * unreachable or in recovery, {@link ReplicaRouterStatus#DEGRADED} when a replica is out of
 * rotation (other than drained by an operator), {@code UP} otherwise. Runs no query.
 */
public class ReplicationHealthIndicator extends AbstractHealthIndicator {

	private final ReplicaHealthMonitor monitor;

	private final @Nullable TopologySource topology;

	/**
	 * Create an indicator.
	 * @param monitor the monitor whose cached state it reports
	 */
	public ReplicationHealthIndicator(ReplicaHealthMonitor monitor) {
		this(monitor, null);
	}

	/**
	 * Create an indicator that also reports where the topology comes from: a source that
	 * cannot read it (Patroni unreachable) makes the status {@code DEGRADED}, since
	 * failovers and new members go unnoticed meanwhile.
	 * @param monitor the monitor whose cached state it reports
	 * @param topology the topology source, {@code null} for none
	 */
	public ReplicationHealthIndicator(ReplicaHealthMonitor monitor, @Nullable TopologySource topology) {
		super("Replication health check failed");
		this.monitor = monitor;
		this.topology = topology;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		NodeHealth primary = this.monitor.primaryHealth();
		List<NodeHealth> replicas = this.monitor.replicaHealth();
		long eligible = replicas.stream().filter(NodeHealth::isEligible).count();
		boolean degraded = replicas.stream()
			.anyMatch((replica) -> !replica.isEligible() && replica.state() != NodeState.DRAINED);
		Status status;
		if (primary.state() == NodeState.DOWN || primary.state() == NodeState.DEMOTED) {
			status = Status.DOWN;
		}
		else if (primary.state() == NodeState.UNKNOWN) {
			status = Status.UNKNOWN;
		}
		else {
			status = degraded ? ReplicaRouterStatus.DEGRADED : Status.UP;
		}
		TopologyStatus topology = (this.topology != null) ? this.topology.status() : null;
		if (topology != null && !topology.isReachable() && status == Status.UP) {
			status = ReplicaRouterStatus.DEGRADED;
		}
		Map<String, Object> replicaDetails = new LinkedHashMap<>();
		replicas.forEach((replica) -> replicaDetails.put(replica.node().name(), NodeDetails.of(replica)));
		builder.status(status)
			.withDetail("primary", NodeDetails.of(primary))
			.withDetail("replicas", replicaDetails)
			.withDetail("eligibleReplicas", eligible)
			.withDetail("maxLagMs", this.monitor.settings().thresholds().maxLag().toMillis());
		if (replicas.stream().anyMatch((replica) -> !DataSourceNode.DEFAULT_GROUP.equals(replica.node().group()))) {
			builder.withDetail("groups", groups(replicas));
		}
		if (topology != null) {
			Map<String, Object> details = topology.toDetails();
			details.remove("members");
			builder.withDetail("topology", details);
		}
	}

	/**
	 * Each replica group's replicas in rotation, of how many: a group with none left is
	 * what a report failing with NoEligibleReplicaException shows here.
	 */
	private static Map<String, Object> groups(List<NodeHealth> replicas) {
		Map<String, long[]> counts = new java.util.TreeMap<>();
		for (NodeHealth replica : replicas) {
			long[] count = counts.computeIfAbsent(replica.node().group(), (name) -> new long[2]);
			count[0] += replica.isEligible() ? 1 : 0;
			count[1]++;
		}
		Map<String, Object> groups = new LinkedHashMap<>();
		counts.forEach((name, count) -> {
			Map<String, Object> group = new LinkedHashMap<>();
			group.put("eligibleReplicas", count[0]);
			group.put("replicas", count[1]);
			groups.put(name, group);
		});
		return groups;
	}

}
