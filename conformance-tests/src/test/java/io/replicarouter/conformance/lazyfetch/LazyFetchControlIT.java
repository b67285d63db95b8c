package io.replicarouter.conformance.lazyfetch;

import org.springframework.test.context.TestPropertySource;

/**
 * {@code connection-fetch=lazy} (a user's choice), routing off.
 */
@TestPropertySource(properties = { "spring.datasource.connection-fetch=lazy", "replica-router.enabled=false" })
class LazyFetchControlIT extends LazyFetchConformance {

	LazyFetchControlIT() {
		super(false);
	}

}
