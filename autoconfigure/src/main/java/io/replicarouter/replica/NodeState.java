package io.replicarouter.replica;

/**
 * What the monitor last concluded about a node.
 */
public enum NodeState {

	/**
	 * Not probed successfully yet: its role and lag are unknown, so a replica in this state
	 * is not in rotation (reads take the fallback until its first successful probe).
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
	 * Unreachable: its server is gone (connection refused or reset, shut down), or its
	 * probes failed or timed out as many times in a row as the failure threshold; out of
	 * rotation, probed again with backoff.
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
