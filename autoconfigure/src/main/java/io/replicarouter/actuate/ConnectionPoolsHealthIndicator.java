package io.replicarouter.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.replicarouter.replica.PoolSaturationMonitor;
import io.replicarouter.replica.PoolSaturationMonitor.PoolUsage;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Usage of every node's pool, read from the pools' MXBeans: never borrows a connection, so
 * it answers at once even when every pool is exhausted. A saturated pool makes the status
 * {@link ReplicaRouterStatus#DEGRADED}, never {@code DOWN}: a busy but healthy database must
 * not be taken out of a load balancer, which would only move the load elsewhere.
 */
public class ConnectionPoolsHealthIndicator extends AbstractHealthIndicator {

	private final PoolSaturationMonitor pools;

	/**
	 * Create an indicator.
	 * @param pools the saturation monitor
	 */
	public ConnectionPoolsHealthIndicator(PoolSaturationMonitor pools) {
		super("Connection pool health check failed");
		this.pools = pools;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean saturated = false;
		for (PoolUsage usage : this.pools.usage()) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("active", usage.active());
			details.put("idle", usage.idle());
			details.put("total", usage.total());
			details.put("max", usage.max());
			details.put("waiting", usage.waiting());
			details.put("usage", Math.round(usage.usage() * 1000) / 1000.0);
			details.put("saturated", usage.saturated());
			if (usage.saturatedSince() != null) {
				details.put("saturatedSince", usage.saturatedSince().toString());
			}
			builder.withDetail(usage.pool(), details);
			saturated |= usage.saturated();
		}
		builder.status(saturated ? ReplicaRouterStatus.DEGRADED : Status.UP);
	}

}
