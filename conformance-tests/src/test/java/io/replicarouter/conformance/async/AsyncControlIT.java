package io.replicarouter.conformance.async;

import org.springframework.test.context.TestPropertySource;

/**
 * Async work on Boot's task executor (platform threads), routing off.
 */
@TestPropertySource(properties = { "replica-router.enabled=false" })
class AsyncControlIT extends AsyncConformance {

	AsyncControlIT() {
		super(false);
	}

}
