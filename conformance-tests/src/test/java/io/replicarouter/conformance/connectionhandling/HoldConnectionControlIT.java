package io.replicarouter.conformance.connectionhandling;

import io.replicarouter.conformance.openinview.OpenInViewConformance;

import org.springframework.test.context.TestPropertySource;

/**
 * A user who sets {@code DELAYED_ACQUISITION_AND_HOLD} explicitly (to keep one connection per session), routing off; Boot's
 * default, no setting, is {@code OpenInViewIT}.
 */
@TestPropertySource(properties = { "spring.jpa.properties.hibernate.connection.handling_mode=DELAYED_ACQUISITION_AND_HOLD", "replica-router.enabled=false" })
class HoldConnectionControlIT extends OpenInViewConformance {

	HoldConnectionControlIT() {
		super(false);
	}

}
