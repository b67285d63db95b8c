package io.replicarouter.consistency;

/**
 * How replica-router keeps a scope from reading data older than its own writes.
 */
public enum ConsistencyMode {

	/**
	 * After a write, record the primary's WAL position; a later read of the scope runs only
	 * on a replica that has replayed it, otherwise on the primary.
	 */
	LSN,

	/**
	 * After a write, send the scope's reads to the primary for a fixed window.
	 */
	STICKY,

	/**
	 * No guarantee: plain routing.
	 */
	NONE

}
