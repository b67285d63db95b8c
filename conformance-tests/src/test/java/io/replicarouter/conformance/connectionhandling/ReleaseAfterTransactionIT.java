package io.replicarouter.conformance.connectionhandling;

import io.replicarouter.conformance.openinview.OpenInViewConformance;

import org.springframework.test.context.TestPropertySource;

/**
 * A user who sets {@code DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION} explicitly (so an open session holds
 * no connection between transactions), routing on; Boot's
 * default, no setting, is {@code OpenInViewIT}.
 */
@TestPropertySource(properties = { "spring.jpa.properties.hibernate.connection.handling_mode=DELAYED_ACQUISITION_AND_RELEASE_AFTER_TRANSACTION" })
class ReleaseAfterTransactionIT extends OpenInViewConformance {

	ReleaseAfterTransactionIT() {
		super(true);
	}

}
