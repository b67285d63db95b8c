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

	/**
	 * Create an exception for a read of a replica group whose fallback is to fail.
	 * @param group the group
	 * @param why why no replica of it could serve
	 */
	public NoEligibleReplicaException(String group, String why) {
		super("No replica of group '" + group + "' can serve a read-only transaction and its fallback is to fail"
				+ " (replica-router.groups." + group + ".fallback=fail, the default of every group but 'default'): "
				+ why, "08001");
	}

}
