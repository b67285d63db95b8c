package io.replicarouter.routing.observation;

import java.util.Locale;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.replicarouter.routing.observation.RoutingObservationDocumentation.LowCardinalityKeys;

/**
 * The default {@link RoutingObservationConvention}: named
 * {@value #NAME}, with the low-cardinality key values {@code route}, {@code node},
 * {@code reason}, {@code retry} and, where replicas are grouped, {@code group}. Node names
 * come from the configuration, so they are few. Nothing of high cardinality.
 */
public class DefaultRoutingObservationConvention implements RoutingObservationConvention {

	/**
	 * The name of the observation, and of the timer Micrometer's metrics handler makes of
	 * it.
	 */
	public static final String NAME = "replica.router.binding";

	private static final KeyValue NO_NODE = KeyValue.of(LowCardinalityKeys.NODE, "none");

	private static final KeyValue RETRY = KeyValue.of(LowCardinalityKeys.RETRY, "true");

	private static final KeyValue FIRST_ATTEMPT = KeyValue.of(LowCardinalityKeys.RETRY, "false");

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(RoutingObservationContext context) {
		return "replica-router " + route(context);
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(RoutingObservationContext context) {
		String node = context.getNode();
		KeyValues values = KeyValues.of(KeyValue.of(LowCardinalityKeys.ROUTE, route(context)),
				(node != null) ? KeyValue.of(LowCardinalityKeys.NODE, node) : NO_NODE,
				KeyValue.of(LowCardinalityKeys.REASON, reason(context)), context.isRetry() ? RETRY : FIRST_ATTEMPT);
		String group = context.getGroup();
		return (group != null) ? values.and(KeyValue.of(LowCardinalityKeys.GROUP, group)) : values;
	}

	/**
	 * The route as a key value: {@code primary} or {@code replica}.
	 * @param context the context
	 * @return the value
	 */
	protected String route(RoutingObservationContext context) {
		return context.getRoute().name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The reason as a key value: the {@link io.replicarouter.routing.RoutingReason} in
	 * lower case, for example {@code read_only} or {@code consistency}, as the
	 * {@code replica.router.routing} counter tags it.
	 * @param context the context
	 * @return the value
	 */
	protected String reason(RoutingObservationContext context) {
		return context.getReason().name().toLowerCase(Locale.ROOT);
	}

}
