package io.replicarouter.consistency;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Lets Micrometer's context-propagation library carry the current
 * {@link ConsistencyScope} to other threads: Spring's {@code ContextPropagatingTaskDecorator},
 * Reactor and anything else that takes a {@code ContextSnapshot}. The thread that runs the
 * task then shares the caller's scope: it reads the caller's writes, and the caller reads
 * its writes.
 * <p>
 * A thread's own scope that has recorded nothing is not captured, so a task scheduled from
 * an idle thread (a scheduler set up at startup) keeps a scope of its own.
 * <p>
 * Registered through {@code META-INF/services/io.micrometer.context.ThreadLocalAccessor}.
 */
public final class ConsistencyScopeThreadLocalAccessor implements ThreadLocalAccessor<ConsistencyScope> {

	/**
	 * The key of this accessor in a {@code ContextRegistry}.
	 */
	public static final String KEY = "io.replicarouter.consistency.scope";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable ConsistencyScope getValue() {
		return ConsistencyScope.currentIfAny();
	}

	@Override
	public void setValue(ConsistencyScope value) {
		ConsistencyScope.setCurrent(value);
	}

	@Override
	public void setValue() {
		ConsistencyScope.setCurrent(null);
	}

}
