package io.replicarouter.conformance.lazyfetch;

import io.replicarouter.conformance.openinview.OpenInViewConformance;

import org.springframework.test.context.TestPropertySource;

/**
 * {@code connection-fetch=lazy} (a user's choice), routing off.
 */
@TestPropertySource(properties = { "spring.datasource.connection-fetch=lazy", "replica-router.enabled=false" })
class LazyFetchControlIT extends OpenInViewConformance {

	LazyFetchControlIT() {
		super(false);
	}

}
