package io.replicarouter.routing;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Lets Micrometer's context-propagation library carry a {@link PrimaryReads} pin (and so
 * {@link io.replicarouter.PrimaryRead @PrimaryRead}) to the threads that run work handed
 * off inside it, for example by Spring's {@code ContextPropagatingTaskDecorator}.
 * <p>
 * Registered through {@code META-INF/services/io.micrometer.context.ThreadLocalAccessor}.
 */
public final class PrimaryReadThreadLocalAccessor implements ThreadLocalAccessor<Boolean> {

	/**
	 * The key of this accessor in a {@code ContextRegistry}.
	 */
	public static final String KEY = "io.replicarouter.routing.primary-read";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable Boolean getValue() {
		return PrimaryReads.isActive() ? Boolean.TRUE : null;
	}

	@Override
	public void setValue(Boolean value) {
		PrimaryReads.pin(value);
	}

	@Override
	public void setValue() {
		PrimaryReads.pin(false);
	}

}
