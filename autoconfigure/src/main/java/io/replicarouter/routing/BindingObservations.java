package io.replicarouter.routing;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.replicarouter.routing.observation.DefaultRoutingObservationConvention;
import io.replicarouter.routing.observation.RoutingObservationContext;
import io.replicarouter.routing.observation.RoutingObservationConvention;
import io.replicarouter.routing.observation.RoutingObservationDocumentation;
import org.jspecify.annotations.Nullable;

/**
 * Starts the observation of each routed connection binding. Without a registry, or with
 * one that has no handler, it creates nothing: a binding then costs what it did without
 * observations.
 */
final class BindingObservations {

	static final BindingObservations NONE = new BindingObservations(ObservationRegistry.NOOP, null);

	private static final RoutingObservationConvention DEFAULT_CONVENTION = new DefaultRoutingObservationConvention();

	private final ObservationRegistry registry;

	private final @Nullable RoutingObservationConvention convention;

	BindingObservations(ObservationRegistry registry, @Nullable RoutingObservationConvention convention) {
		this.registry = registry;
		this.convention = convention;
	}

	/**
	 * Return whether bindings may be observed: a registry with a handler is set.
	 * @return whether to start observations
	 */
	boolean isActive() {
		return !this.registry.isNoop();
	}

	ObservationRegistry registry() {
		return this.registry;
	}

	@Nullable RoutingObservationConvention convention() {
		return this.convention;
	}

	/**
	 * Start observing a decision about to be made. Its parent is the observation current on
	 * this thread, for example the web request's.
	 * @param route where the work asks to go
	 * @param reason why
	 * @param group the replica group a read asks for, {@code null} where replicas are not
	 * grouped or the work goes to the primary
	 * @return the started observation, {@link Observation#NOOP} when nothing observes
	 */
	Observation start(NodeRole route, RoutingReason reason, @Nullable String group) {
		if (this.registry.isNoop()) {
			return Observation.NOOP;
		}
		boolean retry = RoutingThreadState.current().isRetry();
		return RoutingObservationDocumentation.CONNECTION_BINDING
			.observation(this.convention, DEFAULT_CONVENTION,
					() -> new RoutingObservationContext(route, reason, group, retry), this.registry)
			.start();
	}

	/**
	 * Record the decision in its observation.
	 * @param observation the observation {@link #start} returned
	 * @param binding the decision
	 */
	static void bound(Observation observation, Binding binding) {
		if (!observation.isNoop() && observation.getContext() instanceof RoutingObservationContext context) {
			context.bound(binding.node().role(), binding.node().name(), binding.reason(), binding.position());
		}
	}

	/**
	 * Record that no node could give a connection, and end the observation.
	 * @param observation the observation {@link #start} returned
	 * @param failure why
	 */
	static void failed(Observation observation, Throwable failure) {
		if (!observation.isNoop()) {
			observation.error(failure);
			observation.stop();
		}
	}

}
