package io.replicarouter.conformance.batch;

import org.springframework.test.context.TestPropertySource;

/**
 * The batch endpoint with routing off: the same request succeeds on the primary.
 */
@TestPropertySource(properties = "replica-router.enabled=false")
class BatchControlIT extends BatchConformance {

	BatchControlIT() {
		super(false);
	}

}
