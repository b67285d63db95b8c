package io.replicarouter.conformance.openinview;

/**
 * Open-in-view with routing on: reads on replicas, writes on the primary, reads see writes.
 */
class OpenInViewIT extends OpenInViewConformance {

	OpenInViewIT() {
		super(true);
	}

}
