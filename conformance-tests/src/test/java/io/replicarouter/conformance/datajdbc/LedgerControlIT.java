package io.replicarouter.conformance.datajdbc;

import org.springframework.test.context.TestPropertySource;

/**
 * Spring Data JDBC and {@code JdbcClient} with isolation levels, routing off: everything on the primary.
 */
@TestPropertySource(properties = "replica-router.enabled=false")
class LedgerControlIT extends LedgerConformance {

	LedgerControlIT() {
		super(false);
	}

}
