package io.replicarouter.conformance.security;

/**
 * Security, Spring Session in Redis and the Redis token store, routing off: everything on the primary.
 */
class AccountControlIT extends AccountConformance {

	AccountControlIT() {
		super(false, "replica-router.enabled=false");
	}

}
