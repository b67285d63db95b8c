package io.replicarouter.conformance.batch;

/**
 * The batch endpoint with routing on.
 */
class BatchIT extends BatchConformance {

	BatchIT() {
		super(true);
	}

}
