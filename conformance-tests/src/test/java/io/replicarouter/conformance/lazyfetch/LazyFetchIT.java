package io.replicarouter.conformance.lazyfetch;

import org.springframework.test.context.TestPropertySource;

/**
 * {@code connection-fetch=lazy} (a user's choice), routing on.
 */
@TestPropertySource(properties = { "spring.datasource.connection-fetch=lazy" })
class LazyFetchIT extends LazyFetchConformance {

	LazyFetchIT() {
		super(true);
	}

}
