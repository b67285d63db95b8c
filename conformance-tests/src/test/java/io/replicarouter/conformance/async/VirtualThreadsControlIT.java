package io.replicarouter.conformance.async;

import org.springframework.test.context.TestPropertySource;

/**
 * Async work on virtual threads, a user's choice, routing off.
 */
@TestPropertySource(properties = { "spring.threads.virtual.enabled=true", "replica-router.enabled=false" })
class VirtualThreadsControlIT extends AsyncConformance {

	VirtualThreadsControlIT() {
		super(false);
	}

}
