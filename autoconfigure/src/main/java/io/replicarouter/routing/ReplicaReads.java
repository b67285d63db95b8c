package io.replicarouter.routing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Sends the reads the current thread makes while a piece of code runs to a replica group,
 * or bounds their staleness: the programmatic form of {@link io.replicarouter.ReplicaRead}.
 *
 * <pre class="code">
 * Report report = ReplicaReads.inGroup("analytics", () -&gt; reports.monthly(month));
 * Page page = ReplicaReads.withMaxLag(Duration.ofSeconds(30), () -&gt; catalog.page(request));
 * </pre>
 *
 * Reads go to the replicas of their group ({@link DataSourceNode#DEFAULT_GROUP} unless one
 * is asked for), and the group's fallback applies when none of them can serve.
 * A replica whose replication lag at its last probe is over the bound does not serve those
 * reads; one within it does, even when it is out of rotation for other reads
 * ({@code replica-router.max-lag}). Groups and bounds nest, the innermost of each wins;
 * a {@link PrimaryReads primary pin} wins over both. With Micrometer's
 * context-propagation library, work handed to Spring's task executors carries the bound
 * ({@link ReplicaReadThreadLocalAccessor}).
 */
public final class ReplicaReads {

	private static final ThreadLocal<Preference> CURRENT = new ThreadLocal<>();

	private ReplicaReads() {
	}

	/**
	 * Return the staleness bound of the reads made now on this thread.
	 * @return the bound, or {@code null} for the group's max-lag
	 */
	public static @Nullable Duration maxLag() {
		Preference current = CURRENT.get();
		return (current != null) ? current.maxLag() : null;
	}

	/**
	 * Return the replica group of the reads made now on this thread.
	 * @return the group, or {@code null} for {@link DataSourceNode#DEFAULT_GROUP}
	 */
	public static @Nullable String group() {
		Preference current = CURRENT.get();
		return (current != null) ? current.group() : null;
	}

	/**
	 * Return what the reads made now on this thread ask for.
	 * @return the preference, or {@code null} for none
	 */
	public static @Nullable Preference current() {
		return CURRENT.get();
	}

	/**
	 * Run the given code with its reads bounded.
	 * @param <T> the result type
	 * @param maxLag the most replication lag its reads accept, zero or more
	 * @param supplier the code to run
	 * @return its result
	 */
	public static <T> T withMaxLag(Duration maxLag, Supplier<T> supplier) {
		return call(new Preference(null, maxLag), supplier);
	}

	/**
	 * Run the given code with its reads bounded.
	 * @param maxLag the most replication lag its reads accept, zero or more
	 * @param runnable the code to run
	 */
	public static void withMaxLag(Duration maxLag, Runnable runnable) {
		call(new Preference(null, maxLag), () -> {
			runnable.run();
			return null;
		});
	}

	/**
	 * Run the given code, which may throw checked exceptions, with its reads bounded.
	 * @param <T> the result type
	 * @param maxLag the most replication lag its reads accept, zero or more
	 * @param callable the code to run
	 * @return its result
	 * @throws Exception what the code threw
	 */
	public static <T> T withMaxLagChecked(Duration maxLag, Callable<T> callable) throws Exception {
		return callChecked(new Preference(null, maxLag), callable);
	}

	/**
	 * Run the given code with its reads sent to a replica group.
	 * @param <T> the result type
	 * @param group the group ({@code replicas[i].group})
	 * @param supplier the code to run
	 * @return its result
	 */
	public static <T> T inGroup(String group, Supplier<T> supplier) {
		return call(new Preference(group, null), supplier);
	}

	/**
	 * Run the given code with its reads sent to a replica group.
	 * @param group the group ({@code replicas[i].group})
	 * @param runnable the code to run
	 */
	public static void inGroup(String group, Runnable runnable) {
		call(new Preference(group, null), () -> {
			runnable.run();
			return null;
		});
	}

	/**
	 * Run the given code, which may throw checked exceptions, with its reads sent to a
	 * replica group.
	 * @param <T> the result type
	 * @param group the group ({@code replicas[i].group})
	 * @param callable the code to run
	 * @return its result
	 * @throws Exception what the code threw
	 */
	public static <T> T inGroupChecked(String group, Callable<T> callable) throws Exception {
		return callChecked(new Preference(group, null), callable);
	}

	private static <T> T call(Preference preference, Supplier<T> supplier) {
		Preference previous = enter(preference);
		try {
			return supplier.get();
		}
		finally {
			exit(previous);
		}
	}

	private static <T> T callChecked(Preference preference, Callable<T> callable) throws Exception {
		Preference previous = enter(preference);
		try {
			return callable.call();
		}
		finally {
			exit(previous);
		}
	}

	/**
	 * Start a preference, inside any current one: what it sets replaces the current
	 * setting, what it leaves out is kept. Pair with {@link #exit(Preference)} in a
	 * {@code finally} block.
	 * @param preference the group and bound, either may be {@code null}
	 * @return the preference it replaces, to hand to {@link #exit(Preference)}
	 */
	public static @Nullable Preference enter(Preference preference) {
		Preference previous = CURRENT.get();
		CURRENT.set((previous != null) ? previous.within(preference) : preference);
		return previous;
	}

	/**
	 * End a preference started with {@link #enter(Preference)}.
	 * @param previous what {@link #enter(Preference)} returned
	 */
	public static void exit(@Nullable Preference previous) {
		if (previous != null) {
			CURRENT.set(previous);
		}
		else {
			CURRENT.remove();
		}
	}

	/**
	 * What reads ask for: a replica group, a staleness bound, or both.
	 *
	 * @param group the group, or {@code null} to keep the enclosing one (or the default)
	 * @param maxLag the bound, zero or more, or {@code null} to keep the enclosing one (or the
	 * group's max-lag)
	 */
	public record Preference(@Nullable String group, @Nullable Duration maxLag) {

		public Preference {
			Assert.isTrue(group == null || !group.isBlank(), "'group' must not be blank");
			Assert.isTrue(maxLag == null || !maxLag.isNegative(),
					() -> "'maxLag' must not be negative, was " + maxLag);
		}

		Preference within(Preference inner) {
			return new Preference((inner.group != null) ? inner.group : this.group,
					(inner.maxLag != null) ? inner.maxLag : this.maxLag);
		}

	}

}
