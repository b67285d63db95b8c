package io.replicarouter.conformance.lazyfetch;

import io.replicarouter.conformance.openinview.OpenInViewConformance;

import org.springframework.test.context.TestPropertySource;

/**
 * {@code connection-fetch=lazy} (a user's choice), routing on.
 */
@TestPropertySource(properties = { "spring.datasource.connection-fetch=lazy" })
class LazyFetchIT extends OpenInViewConformance {

	LazyFetchIT() {
		super(true);
	}

}
