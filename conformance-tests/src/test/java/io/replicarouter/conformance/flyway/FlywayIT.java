package io.replicarouter.conformance.flyway;

/**
 * Flyway and JPA, routing on: the migration ran on the primary, reads and writes route.
 */
class FlywayIT extends FlywayConformance {

	FlywayIT() {
		super(true);
	}

}
