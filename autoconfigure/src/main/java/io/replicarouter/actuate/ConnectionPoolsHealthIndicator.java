package io.replicarouter.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.replicarouter.pgbouncer.PgBouncerPoolsMonitor;
import io.replicarouter.pgbouncer.PgBouncerPoolsMonitor.PgBouncerPools;
import io.replicarouter.replica.PoolSaturationMonitor;
import io.replicarouter.replica.PoolSaturationMonitor.PoolUsage;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Usage of every node's pool, read from the pools' MXBeans: never borrows a connection, so
 * it answers at once even when every pool is exhausted. A saturated pool makes the status
 * {@link ReplicaRouterStatus#DEGRADED}, never {@code DOWN}: a busy but healthy database must
 * not be taken out of a load balancer, which would only move the load elsewhere.
 * <p>
 * With a {@link PgBouncerPoolsMonitor}, each pool's details also hold the last
 * {@code SHOW POOLS} of the PgBouncer in front of its node, under {@code pgbouncer}.
 */
public class ConnectionPoolsHealthIndicator extends AbstractHealthIndicator {

	private final PoolSaturationMonitor pools;

	private final @Nullable PgBouncerPoolsMonitor pgBouncer;

	/**
	 * Create an indicator.
	 * @param pools the saturation monitor
	 */
	public ConnectionPoolsHealthIndicator(PoolSaturationMonitor pools) {
		this(pools, null);
	}

	/**
	 * Create an indicator that also reports PgBouncer's pools.
	 * @param pools the saturation monitor
	 * @param pgBouncer the PgBouncer monitor, or {@code null}
	 */
	public ConnectionPoolsHealthIndicator(PoolSaturationMonitor pools, @Nullable PgBouncerPoolsMonitor pgBouncer) {
		super("Connection pool health check failed");
		this.pools = pools;
		this.pgBouncer = pgBouncer;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean saturated = false;
		Map<String, PgBouncerPools> bouncers = (this.pgBouncer != null) ? this.pgBouncer.pools() : Map.of();
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
			PgBouncerPools bouncer = bouncers.get(usage.pool());
			if (bouncer != null) {
				details.put("pgbouncer", pgBouncerDetails(bouncer));
			}
			builder.withDetail(usage.pool(), details);
			saturated |= usage.saturated();
		}
		builder.status(saturated ? ReplicaRouterStatus.DEGRADED : Status.UP);
	}

	private static Map<String, Object> pgBouncerDetails(PgBouncerPools bouncer) {
		Map<String, Object> details = new LinkedHashMap<>(bouncer.pool());
		if (bouncer.error() != null) {
			details.put("error", bouncer.error());
		}
		details.put("polledAt", bouncer.polledAt().toString());
		return details;
	}

}
