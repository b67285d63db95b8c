package io.replicarouter.conformance.wrapper;

import org.springframework.test.context.TestPropertySource;

/**
 * A DataSource wrapped by datasource-proxy, routing off.
 */
@TestPropertySource(properties = { "replica-router.enabled=false" })
class QueryLoggingControlIT extends QueryLoggingConformance {

	QueryLoggingControlIT() {
		super(false);
	}

}
