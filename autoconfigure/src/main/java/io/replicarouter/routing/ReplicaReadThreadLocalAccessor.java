package io.replicarouter.routing;

import java.time.Duration;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Carries the {@link ReplicaReads staleness bound} of the reads to other threads, with
 * Micrometer's context-propagation library (registered through
 * {@code META-INF/services}).
 */
public final class ReplicaReadThreadLocalAccessor implements ThreadLocalAccessor<Duration> {

	/**
	 * The key of the bound in a context snapshot.
	 */
	public static final String KEY = "io.replicarouter.routing.replica-read-max-lag";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public @Nullable Duration getValue() {
		return ReplicaReads.maxLag();
	}

	@Override
	public void setValue(Duration value) {
		ReplicaReads.enter(value);
	}

	@Override
	public void setValue() {
		ReplicaReads.exit(null);
	}

	@Override
	public void restore(Duration previousValue) {
		ReplicaReads.enter(previousValue);
	}

	@Override
	public void restore() {
		ReplicaReads.exit(null);
	}

}
