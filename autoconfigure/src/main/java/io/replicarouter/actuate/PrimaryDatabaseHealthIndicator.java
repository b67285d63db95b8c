package io.replicarouter.actuate;

import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * Replaces Boot's {@code db} indicator when replica-router routes: the primary's health
 * from the monitor's last probe, over its dedicated connection. Boot's indicator borrows a
 * connection from the pool on every call, so when the pool is exhausted the health
 * endpoint would wait for the pool's connection timeout and add to the load.
 */
public class PrimaryDatabaseHealthIndicator extends AbstractHealthIndicator {

	private final ReplicaHealthMonitor monitor;

	/**
	 * Create an indicator.
	 * @param monitor the monitor whose cached state it reports
	 */
	public PrimaryDatabaseHealthIndicator(ReplicaHealthMonitor monitor) {
		super("Database health check failed");
		this.monitor = monitor;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		NodeHealth primary = this.monitor.primaryHealth();
		Status status = switch (primary.state()) {
			case UP -> Status.UP;
			case UNKNOWN -> Status.UNKNOWN;
			default -> Status.DOWN;
		};
		builder.status(status)
			.withDetail("database", "PostgreSQL")
			.withDetail("node", primary.node().name())
			.withDetail("state", primary.state().name().toLowerCase())
			.withDetail("validation", "replica-router monitor probe, no pooled connection");
		if (primary.state() != NodeState.UP) {
			builder.withDetail("detail", primary.detail());
		}
		if (primary.lastProbe() != null) {
			builder.withDetail("lastProbe", primary.lastProbe().toString());
		}
	}

}
