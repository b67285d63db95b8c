package io.replicarouter.replica;

/**
 * What the monitor last concluded about a node.
 */
public enum NodeState {

	/**
	 * Not probed yet. A replica in this state is in rotation.
	 */
	UNKNOWN,

	/**
	 * Reachable, in the configured role, and (for a replica) within the lag limits: in
	 * rotation.
	 */
	UP,

	/**
	 * A replica that is reachable but too far behind the primary: out of rotation until it
	 * catches up.
	 */
	LAGGING,

	/**
	 * Unreachable, or its probe failed: out of rotation, probed again with backoff.
	 */
	DOWN,

	/**
	 * A configured replica that is not in recovery (it accepts writes, so it is not a
	 * streaming replica, perhaps because it was promoted): out of rotation.
	 */
	MISCONFIGURED,

	/**
	 * A replica an operator took out of rotation; probed as usual, back in rotation when
	 * undrained.
	 */
	DRAINED,

	/**
	 * The configured primary is in recovery: writes fail fast until it is a primary again.
	 */
	DEMOTED

}
