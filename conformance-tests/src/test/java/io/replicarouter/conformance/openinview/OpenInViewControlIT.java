package io.replicarouter.conformance.openinview;

import org.springframework.test.context.TestPropertySource;

/**
 * Open-in-view with routing off: the same requests succeed, all on the primary.
 */
@TestPropertySource(properties = { "replica-router.enabled=false" })
class OpenInViewControlIT extends OpenInViewConformance {

	OpenInViewControlIT() {
		super(false);
	}

}
