package io.replicarouter.routing;

import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * Pins the connections taken on the current thread to the primary while a piece of code
 * runs: the programmatic form of {@link io.replicarouter.PrimaryRead}.
 *
 * <pre class="code">
 * Order order = PrimaryReads.call(() -&gt; orders.findById(id));
 * </pre>
 *
 * Pins nest; the pin ends when the outermost call returns. With Micrometer's
 * context-propagation library, work handed to Spring's task executors inside a pin is
 * pinned too ({@link PrimaryReadThreadLocalAccessor}).
 */
public final class PrimaryReads {

	private static final ThreadLocal<Boolean> PINNED = new ThreadLocal<>();

	private PrimaryReads() {
	}

	/**
	 * Return whether connections taken now on this thread are pinned to the primary.
	 * @return whether a pin is active
	 */
	public static boolean isActive() {
		return PINNED.get() != null;
	}

	/**
	 * Run the given code with the primary pinned.
	 * @param <T> the result type
	 * @param supplier the code to run
	 * @return its result
	 */
	public static <T> T call(Supplier<T> supplier) {
		boolean outermost = enter();
		try {
			return supplier.get();
		}
		finally {
			exit(outermost);
		}
	}

	/**
	 * Run the given code with the primary pinned.
	 * @param runnable the code to run
	 */
	public static void run(Runnable runnable) {
		boolean outermost = enter();
		try {
			runnable.run();
		}
		finally {
			exit(outermost);
		}
	}

	/**
	 * Run the given code, which may throw checked exceptions, with the primary pinned.
	 * @param <T> the result type
	 * @param callable the code to run
	 * @return its result
	 * @throws Exception what the code threw
	 */
	public static <T> T callChecked(Callable<T> callable) throws Exception {
		boolean outermost = enter();
		try {
			return callable.call();
		}
		finally {
			exit(outermost);
		}
	}

	/**
	 * Start a pin. Pair with {@link #exit(boolean)} in a {@code finally} block.
	 * @return whether this call started the outermost pin
	 */
	static boolean enter() {
		if (PINNED.get() != null) {
			return false;
		}
		PINNED.set(Boolean.TRUE);
		return true;
	}

	/**
	 * Set or clear the pin of this thread, whatever it was: for a thread that takes over
	 * work from another.
	 * @param pinned whether connections are pinned to the primary
	 */
	static void pin(boolean pinned) {
		if (pinned) {
			PINNED.set(Boolean.TRUE);
		}
		else {
			PINNED.remove();
		}
	}

	/**
	 * End a pin started by {@link #enter()}.
	 * @param outermost what {@link #enter()} returned
	 */
	static void exit(boolean outermost) {
		if (outermost) {
			PINNED.remove();
		}
	}

}
