package io.replicarouter.conformance.connectionhandling;

import io.replicarouter.conformance.openinview.OpenInViewConformance;

import org.springframework.test.context.TestPropertySource;

/**
 * A user who sets {@code DELAYED_ACQUISITION_AND_HOLD} explicitly (to keep one connection per session), routing on; Boot's
 * default, no setting, is {@code OpenInViewIT}.
 */
@TestPropertySource(properties = { "spring.jpa.properties.hibernate.connection.handling_mode=DELAYED_ACQUISITION_AND_HOLD" })
class HoldConnectionIT extends OpenInViewConformance {

	HoldConnectionIT() {
		super(true);
	}

}
