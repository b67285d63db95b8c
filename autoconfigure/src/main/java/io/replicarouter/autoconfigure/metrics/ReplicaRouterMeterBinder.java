package io.replicarouter.autoconfigure.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.PoolSaturationMonitor;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.RoutingReason;
import io.replicarouter.routing.RoutingStatistics;
import org.jspecify.annotations.Nullable;

/**
 * replica-router's meters. Routing counts are read from the router's own counters, so
 * recording them costs the transaction path nothing more.
 * <ul>
 * <li>{@code replica.router.routing} (counter; tags {@code target}, {@code reason}):
 * connections bound to each node, by reason;</li>
 * <li>{@code replica.router.fallbacks} (counter): reads that ran on the primary because no
 * replica was eligible;</li>
 * <li>{@code replica.router.fallbacks.refused} (counter): reads that failed fast because
 * {@code replica-router.fallback-max-concurrency} reads already ran on the primary;</li>
 * <li>{@code replica.router.retries} (counter; tag {@code kind}: {@code connection} when
 * another node gave the connection, {@code transaction} when a read-only transaction ran
 * again, {@code write} when a read-write transaction ran again after it could not get the
 * primary);</li>
 * <li>{@code replica.router.replica.lag} (gauge, seconds; tag {@code replica}),
 * {@code replica.router.replica.lag.bytes} (gauge, bytes), {@code replica.router.replica.eligible}
 * (gauge, 1 in rotation, 0 out);</li>
 * <li>{@code replica.router.primary.available} (gauge, 1 when the primary takes writes);</li>
 * <li>{@code replica.router.pool.saturated} (gauge; tag {@code pool}).</li>
 * </ul>
 */
class ReplicaRouterMeterBinder implements MeterBinder {

	private final DatabaseNodes nodes;

	private final RoutingStatistics statistics;

	private final ReplicaHealthMonitor monitor;

	private final @Nullable PoolSaturationMonitor pools;

	ReplicaRouterMeterBinder(DatabaseNodes nodes, RoutingStatistics statistics, ReplicaHealthMonitor monitor,
			@Nullable PoolSaturationMonitor pools) {
		this.nodes = nodes;
		this.statistics = statistics;
		this.monitor = monitor;
		this.pools = pools;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		RoutingStatistics statistics = this.statistics;
		Map<DataSourceNode, List<Meter>> nodeMeters = new ConcurrentHashMap<>();
		for (DataSourceNode node : this.nodes.all()) {
			nodeMeters.put(node, bindNode(registry, node));
		}
		// Replicas a topology source adds or retires while the application runs.
		this.nodes.addMembershipListener(new DatabaseNodes.MembershipListener() {

			@Override
			public void nodeAdded(DataSourceNode replica) {
				nodeMeters.put(replica, bindNode(registry, replica));
			}

			@Override
			public void nodeRemoved(DataSourceNode replica) {
				List<Meter> meters = nodeMeters.remove(replica);
				if (meters != null) {
					meters.forEach(registry::remove);
				}
			}

		});
		DataSourceNode primary = this.nodes.primary();
		FunctionCounter.builder("replica.router.fallbacks", statistics,
				(stats) -> stats.count(primary, RoutingReason.FALLBACK))
			.description("Reads that ran on the primary because no replica was eligible")
			.register(registry);
		FunctionCounter.builder("replica.router.retries", statistics, RoutingStatistics::connectionRetries)
			.description("Connections taken from another node after the chosen replica failed")
			.tag("kind", "connection")
			.register(registry);
		FunctionCounter.builder("replica.router.retries", statistics, RoutingStatistics::transactionRetries)
			.description("Read-only transactions run again after their replica failed")
			.tag("kind", "transaction")
			.register(registry);
		FunctionCounter.builder("replica.router.retries", statistics, RoutingStatistics::writeRetries)
			.description("Read-write transactions run again after they could not get the primary")
			.tag("kind", "write")
			.register(registry);
		FunctionCounter.builder("replica.router.fallbacks.refused", statistics, RoutingStatistics::fallbacksRefused)
			.description("Reads that failed fast because the limit of fallback reads on the primary was reached")
			.register(registry);
		FunctionCounter.builder("replica.router.busy.skips", statistics, RoutingStatistics::busySkips)
			.description("Reads that skipped a replica whose pool had no free connection in time (it stays in rotation)")
			.register(registry);
		Gauge.builder("replica.router.primary.available", this.monitor,
				(monitor) -> (monitor.primaryHealth().state() == NodeState.UP) ? 1 : 0)
			.description("Whether the primary takes writes (1) or not (0)")
			.register(registry);
	}

	/**
	 * The meters of one node: its routing counts, and for a replica its lag and rotation.
	 */
	private List<Meter> bindNode(MeterRegistry registry, DataSourceNode node) {
		List<Meter> meters = new ArrayList<>();
		for (RoutingReason reason : RoutingReason.values()) {
			meters.add(FunctionCounter
				.builder("replica.router.routing", this.statistics, (stats) -> stats.count(node, reason))
				.description("Connections bound to a node, by reason")
				.tag("target", node.name())
				.tag("reason", reason.name().toLowerCase())
				.tag("zone", (node.zone() != null) ? node.zone() : "none")
				.tag("group", node.group())
				.register(registry));
		}
		if (node.role() == NodeRole.REPLICA) {
			String name = node.name();
			meters.add(Gauge.builder("replica.router.replica.lag", this.monitor, (monitor) -> lagSeconds(monitor.health(name)))
				.description("Replication lag of a replica at the last probe")
				.baseUnit("seconds")
				.tag("replica", name)
				.register(registry));
			meters.add(Gauge
				.builder("replica.router.replica.lag.bytes", this.monitor, (monitor) -> lagBytes(monitor.health(name)))
				.description("WAL a replica still had to replay at the last probe")
				.baseUnit("bytes")
				.tag("replica", name)
				.register(registry));
			meters.add(Gauge
				.builder("replica.router.replica.eligible", this.monitor, (monitor) -> eligible(monitor.health(name)))
				.description("Whether a replica is in rotation (1) or not (0)")
				.tag("replica", name)
				.register(registry));
		}
		PoolSaturationMonitor saturation = this.pools;
		if (saturation != null) {
			meters.add(Gauge.builder("replica.router.pool.saturated", saturation, (pools) -> saturated(pools, node.name()))
				.description("Whether a node's pool is saturated (1) or not (0)")
				.tag("pool", node.name())
				.register(registry));
		}
		return meters;
	}

	private static double lagSeconds(@Nullable NodeHealth health) {
		return (health != null) ? health.lag().toNanos() / 1e9 : Double.NaN;
	}

	private static double lagBytes(@Nullable NodeHealth health) {
		return (health != null) ? health.lagBytes() : Double.NaN;
	}

	private static double eligible(@Nullable NodeHealth health) {
		return (health != null && health.isEligible()) ? 1 : 0;
	}

	private static double saturated(PoolSaturationMonitor pools, String name) {
		return pools.usage().stream().anyMatch((usage) -> usage.pool().equals(name) && usage.saturated()) ? 1 : 0;
	}

}
