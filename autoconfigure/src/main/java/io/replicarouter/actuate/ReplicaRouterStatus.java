package io.replicarouter.actuate;

import org.springframework.boot.health.contributor.Status;

/**
 * The health statuses replica-router adds to Boot's.
 */
public final class ReplicaRouterStatus {

	/**
	 * The primary is unavailable but replicas in rotation serve reads: writes fail, reads
	 * work. Answered with HTTP 200 by default, so the {@code readiness} group keeps an
	 * instance in its load balancer while it can serve reads; map it to 503 with
	 * {@code management.endpoint.health.group.readiness.status.http-mapping.read-only=503}.
	 * Ordered between {@code OUT_OF_SERVICE} and {@link #DEGRADED} (see
	 * {@code management.endpoint.health.status.order}).
	 */
	public static final Status READ_ONLY = new Status("READ_ONLY");

	/**
	 * Working, with less capacity than configured: a replica out of rotation, or a pool
	 * saturated. Answered with HTTP 200 by default, and ordered between {@link #READ_ONLY}
	 * and {@code UP} (see {@code management.endpoint.health.status.order}).
	 */
	public static final Status DEGRADED = new Status("DEGRADED");

	private ReplicaRouterStatus() {
	}

}
