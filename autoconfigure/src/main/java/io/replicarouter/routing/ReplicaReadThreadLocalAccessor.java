package io.replicarouter.routing;

import io.micrometer.context.ThreadLocalAccessor;
import org.jspecify.annotations.Nullable;

/**
 * Carries the {@link ReplicaReads replica group and staleness bound} of the reads to other threads, with
 * Micrometer's context-propagation library (registered through
 * {@code META-INF/services}).
 */
public final class ReplicaReadThreadLocalAccessor implements ThreadLocalAccessor<ReplicaReads.Preference> {

	/**
	 * The key of the bound in a context snapshot.
	 */
	public static final String KEY = "io.replicarouter.routing.replica-read";

	@Override
	public Object key() {
		return KEY;
	}

	@Override
	public ReplicaReads.@Nullable Preference getValue() {
		return ReplicaReads.current();
	}

	@Override
	public void setValue(ReplicaReads.Preference value) {
		ReplicaReads.exit(null);
		ReplicaReads.enter(value);
	}

	@Override
	public void setValue() {
		ReplicaReads.exit(null);
	}

	@Override
	public void restore(ReplicaReads.Preference previousValue) {
		setValue(previousValue);
	}

	@Override
	public void restore() {
		ReplicaReads.exit(null);
	}

}
