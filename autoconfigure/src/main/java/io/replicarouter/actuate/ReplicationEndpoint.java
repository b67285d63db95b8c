package io.replicarouter.actuate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.PoolSaturationMonitor;
import io.replicarouter.replica.PoolSaturationMonitor.PoolUsage;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.RoutingReason;
import io.replicarouter.routing.RoutingStatistics;
import io.replicarouter.topology.TopologySource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * {@code /actuator/replication}: the topology, each node's state, lag and pool usage, the
 * routing counts by target and reason, and the settings that drive them. Its write
 * operation drains a replica out of rotation and back; like every write operation it is
 * off unless {@code management.endpoint.replication.access=unrestricted}, and the endpoint
 * is only on the web when exposed ({@code management.endpoints.web.exposure.include}).
 */
@Endpoint(id = "replication", defaultAccess = Access.READ_ONLY)
public class ReplicationEndpoint {

	private final ReplicaHealthMonitor monitor;

	private final DatabaseNodes nodes;

	private final RoutingStatistics statistics;

	private final @Nullable PoolSaturationMonitor pools;

	private final Map<String, Object> settings;

	private final @Nullable TopologySource topology;

	/**
	 * Create the endpoint.
	 * @param monitor the health monitor
	 * @param nodes the primary and the replicas
	 * @param statistics what the router has done
	 * @param pools the pool saturation monitor, if any
	 * @param settings what to show of the configuration (no secrets)
	 */
	public ReplicationEndpoint(ReplicaHealthMonitor monitor, DatabaseNodes nodes, RoutingStatistics statistics,
			@Nullable PoolSaturationMonitor pools, Map<String, Object> settings) {
		this(monitor, nodes, statistics, pools, settings, null);
	}

	/**
	 * Create the endpoint that also shows where the topology comes from.
	 * @param monitor the health monitor
	 * @param nodes the primary and the replicas
	 * @param statistics what the router has done
	 * @param pools the pool saturation monitor, if any
	 * @param settings what to show of the configuration (no secrets)
	 * @param topology the topology source, {@code null} for none
	 */
	public ReplicationEndpoint(ReplicaHealthMonitor monitor, DatabaseNodes nodes, RoutingStatistics statistics,
			@Nullable PoolSaturationMonitor pools, Map<String, Object> settings, @Nullable TopologySource topology) {
		this.monitor = monitor;
		this.nodes = nodes;
		this.statistics = statistics;
		this.pools = pools;
		this.settings = Map.copyOf(settings);
		this.topology = topology;
	}

	/**
	 * Describe the whole topology.
	 * @return the description
	 */
	@ReadOperation
	public Map<String, Object> replication() {
		Map<String, Object> body = new LinkedHashMap<>();
		if (this.topology != null) {
			body.put("topology", this.topology.status().toDetails());
		}
		List<Map<String, Object>> nodes = new ArrayList<>();
		for (DataSourceNode node : this.nodes.all()) {
			nodes.add(describe(node));
		}
		body.put("nodes", nodes);
		RoutingStatistics statistics = this.statistics;
		Map<String, Object> routing = new LinkedHashMap<>();
		for (DataSourceNode node : this.nodes.all()) {
			routing.put(node.name(), counts(node));
		}
		body.put("routing", routing);
		body.put("connectionRetries", statistics.connectionRetries());
		body.put("transactionRetries", statistics.transactionRetries());
		body.put("writeRetries", statistics.writeRetries());
		body.put("fallbacksRefused", statistics.fallbacksRefused());
		body.put("busySkips", statistics.busySkips());
		body.put("settings", this.settings);
		return body;
	}

	/**
	 * Describe one node.
	 * @param name the node's name
	 * @return the description, or {@code null} (404) for an unknown name
	 */
	@ReadOperation
	public @Nullable Map<String, Object> node(@Selector String name) {
		DataSourceNode node = find(name);
		return (node != null) ? describe(node) : null;
	}

	/**
	 * Take a replica out of rotation, or put it back.
	 * @param name the replica's name
	 * @param drained {@code true} to drain, {@code false} to undrain
	 * @return the replica's description afterwards
	 */
	@WriteOperation
	public Map<String, Object> drain(@Selector String name, boolean drained) {
		DataSourceNode node = find(name);
		if (node == null) {
			throw new InvalidEndpointRequestException("No node is named '" + name + "'", "Unknown node");
		}
		if (node.role() != NodeRole.REPLICA) {
			throw new InvalidEndpointRequestException("Only replicas can be drained; '" + name + "' is the primary",
					"Not a replica");
		}
		if (drained) {
			this.monitor.drain(name);
		}
		else {
			this.monitor.undrain(name);
		}
		return describe(node);
	}

	private @Nullable DataSourceNode find(String name) {
		return this.nodes.all().stream().filter((node) -> node.name().equals(name)).findFirst().orElse(null);
	}

	private Map<String, Object> describe(DataSourceNode node) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("name", node.name());
		NodeHealth health = this.monitor.health(node.name());
		if (health != null) {
			description.putAll(NodeDetails.of(health));
		}
		description.put("weight", node.weight());
		description.put("routed", counts(node));
		if (this.pools != null) {
			for (PoolUsage usage : this.pools.usage()) {
				if (usage.pool().equals(node.name())) {
					Map<String, Object> pool = new LinkedHashMap<>();
					pool.put("active", usage.active());
					pool.put("idle", usage.idle());
					pool.put("total", usage.total());
					pool.put("max", usage.max());
					pool.put("waiting", usage.waiting());
					pool.put("saturated", usage.saturated());
					description.put("pool", pool);
				}
			}
		}
		return description;
	}

	private Map<String, Long> counts(DataSourceNode node) {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (RoutingReason reason : RoutingReason.values()) {
			long count = this.statistics.count(node, reason);
			if (count > 0) {
				counts.put(reason.name().toLowerCase().replace('_', '-'), count);
			}
		}
		return counts;
	}

}
