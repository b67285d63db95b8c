package io.replicarouter.conformance.async;

/**
 * Async work on Boot's task executor (platform threads), routing on.
 */
class AsyncIT extends AsyncConformance {

	AsyncIT() {
		super(true);
	}

}
