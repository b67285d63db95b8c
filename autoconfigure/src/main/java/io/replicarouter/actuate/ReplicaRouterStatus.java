package io.replicarouter.actuate;

import org.springframework.boot.health.contributor.Status;

/**
 * The health status replica-router adds to Boot's.
 */
public final class ReplicaRouterStatus {

	/**
	 * Working, with less capacity than configured: a replica out of rotation, or a pool
	 * saturated. Answered with HTTP 200 by default, and ordered between
	 * {@code OUT_OF_SERVICE} and {@code UP} (see {@code management.endpoint.health.status.order}).
	 */
	public static final Status DEGRADED = new Status("DEGRADED");

	private ReplicaRouterStatus() {
	}

}
