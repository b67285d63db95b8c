package io.replicarouter.conformance.security;

/**
 * Security, Spring Session in Redis and the Redis token store, routing on.
 */
class AccountIT extends AccountConformance {

	AccountIT() {
		super(true);
	}

}
