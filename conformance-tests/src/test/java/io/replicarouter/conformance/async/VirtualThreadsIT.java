package io.replicarouter.conformance.async;

import org.springframework.test.context.TestPropertySource;

/**
 * Async work on virtual threads, a user's choice ({@code spring.threads.virtual.enabled=true}), routing on.
 */
@TestPropertySource(properties = { "spring.threads.virtual.enabled=true" })
class VirtualThreadsIT extends AsyncConformance {

	VirtualThreadsIT() {
		super(true);
	}

}
