package io.replicarouter.conformance.flyway;

import org.springframework.test.context.TestPropertySource;

/**
 * Flyway and JPA, routing off.
 */
@TestPropertySource(properties = { "replica-router.enabled=false" })
class FlywayControlIT extends FlywayConformance {

	FlywayControlIT() {
		super(false);
	}

}
