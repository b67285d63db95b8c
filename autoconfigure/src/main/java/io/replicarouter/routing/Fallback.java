package io.replicarouter.routing;

/**
 * What a read-only transaction does when no replica is eligible.
 */
public enum Fallback {

	/**
	 * Run on the primary, still read-only.
	 */
	PRIMARY,

	/**
	 * Fail with a {@link NoEligibleReplicaException} that says why each replica is out of
	 * rotation.
	 */
	FAIL

}
