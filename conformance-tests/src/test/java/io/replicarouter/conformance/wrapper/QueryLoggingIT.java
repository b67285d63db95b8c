package io.replicarouter.conformance.wrapper;

/**
 * A DataSource wrapped by datasource-proxy, routing on.
 */
class QueryLoggingIT extends QueryLoggingConformance {

	QueryLoggingIT() {
		super(true);
	}

}
