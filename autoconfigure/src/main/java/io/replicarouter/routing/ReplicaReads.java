package io.replicarouter.routing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Bounds the staleness of the reads the current thread makes while a piece of code runs:
 * the programmatic form of {@link io.replicarouter.ReplicaRead}.
 *
 * <pre class="code">
 * Report report = ReplicaReads.withMaxLag(Duration.ofSeconds(30), () -&gt; reports.monthly(month));
 * </pre>
 *
 * A replica whose replication lag at its last probe is over the bound does not serve those
 * reads; one within it does, even when it is out of rotation for other reads
 * ({@code replica-router.max-lag}). Bounds nest, the innermost wins; a
 * {@link PrimaryReads primary pin} wins over any bound. With Micrometer's
 * context-propagation library, work handed to Spring's task executors carries the bound
 * ({@link ReplicaReadThreadLocalAccessor}).
 */
public final class ReplicaReads {

	private static final ThreadLocal<Duration> MAX_LAG = new ThreadLocal<>();

	private ReplicaReads() {
	}

	/**
	 * Return the bound of the reads made now on this thread.
	 * @return the bound, or {@code null} for {@code replica-router.max-lag}
	 */
	public static @Nullable Duration maxLag() {
		return MAX_LAG.get();
	}

	/**
	 * Run the given code with its reads bounded.
	 * @param <T> the result type
	 * @param maxLag the most replication lag its reads accept, zero or more
	 * @param supplier the code to run
	 * @return its result
	 */
	public static <T> T withMaxLag(Duration maxLag, Supplier<T> supplier) {
		Duration previous = enter(maxLag);
		try {
			return supplier.get();
		}
		finally {
			exit(previous);
		}
	}

	/**
	 * Run the given code with its reads bounded.
	 * @param maxLag the most replication lag its reads accept, zero or more
	 * @param runnable the code to run
	 */
	public static void withMaxLag(Duration maxLag, Runnable runnable) {
		Duration previous = enter(maxLag);
		try {
			runnable.run();
		}
		finally {
			exit(previous);
		}
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
		Duration previous = enter(maxLag);
		try {
			return callable.call();
		}
		finally {
			exit(previous);
		}
	}

	/**
	 * Start a bound. Pair with {@link #exit(Duration)} in a {@code finally} block.
	 * @param maxLag the bound, zero or more
	 * @return the bound it replaces, to hand to {@link #exit(Duration)}
	 */
	public static @Nullable Duration enter(Duration maxLag) {
		Assert.notNull(maxLag, "'maxLag' must not be null");
		Assert.isTrue(!maxLag.isNegative(), () -> "'maxLag' must not be negative, was " + maxLag);
		Duration previous = MAX_LAG.get();
		MAX_LAG.set(maxLag);
		return previous;
	}

	/**
	 * End a bound started with {@link #enter(Duration)}.
	 * @param previous what {@link #enter(Duration)} returned
	 */
	public static void exit(@Nullable Duration previous) {
		if (previous != null) {
			MAX_LAG.set(previous);
		}
		else {
			MAX_LAG.remove();
		}
	}

}
