package io.replicarouter.routing.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The {@link ObservationConvention} of routing decisions. Define a bean of this type to
 * replace {@link DefaultRoutingObservationConvention}, or extend it to add key values.
 */
public interface RoutingObservationConvention extends ObservationConvention<RoutingObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof RoutingObservationContext;
	}

}
