package io.replicarouter.routing;

/**
 * The role a node was configured with.
 */
public enum NodeRole {

	/**
	 * The read-write node, configured with {@code spring.datasource.*}.
	 */
	PRIMARY,

	/**
	 * A streaming replica, configured with {@code replica-router.replicas[*]}.
	 */
	REPLICA

}
