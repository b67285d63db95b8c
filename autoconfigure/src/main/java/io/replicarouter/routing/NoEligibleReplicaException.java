package io.replicarouter.routing;

import java.sql.SQLTransientConnectionException;

/**
 * Thrown when a read-only transaction needs a replica, none is eligible, and
 * {@code replica-router.fallback=fail}.
 */
public class NoEligibleReplicaException extends SQLTransientConnectionException {

	/**
	 * Create an exception.
	 * @param why why each replica is out of rotation
	 */
	public NoEligibleReplicaException(String why) {
		super("No replica is eligible for a read-only transaction and replica-router.fallback=fail: " + why, "08001");
	}

}
