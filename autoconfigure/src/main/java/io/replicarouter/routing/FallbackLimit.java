package io.replicarouter.routing;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * How many reads may run on the primary at once as the fallback (no replica eligible), so
 * that losing the replicas cannot move their whole read load onto the primary: a read
 * beyond the limit waits for a turn, at most the given time, then fails with a
 * {@link FallbackLimitException}. Immutable; set up before the router is used.
 */
final class FallbackLimit {

	/**
	 * No limit.
	 */
	static final FallbackLimit NONE = new FallbackLimit(0, Duration.ZERO);

	private final int maxConcurrency;

	private final Duration wait;

	private final @Nullable Semaphore permits;

	/**
	 * Create a limit.
	 * @param maxConcurrency the most fallback reads at once, 0 or less for no limit
	 * @param wait how long a read beyond the limit waits for a turn
	 */
	FallbackLimit(int maxConcurrency, Duration wait) {
		this.maxConcurrency = Math.max(0, maxConcurrency);
		this.wait = wait;
		this.permits = (maxConcurrency > 0) ? new Semaphore(maxConcurrency) : null;
	}

	int maxConcurrency() {
		return this.maxConcurrency;
	}

	Duration waitTime() {
		return this.wait;
	}

	/**
	 * Take a turn, waiting for one if needed; {@link #release()} gives it back.
	 * @param why why each replica is out of rotation, for the exception
	 * @throws FallbackLimitException if no turn came within the wait
	 */
	void acquire(Supplier<String> why) throws FallbackLimitException {
		Semaphore available = this.permits;
		if (available == null || available.tryAcquire()) {
			return;
		}
		boolean acquired;
		try {
			acquired = available.tryAcquire(this.wait.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			acquired = false;
		}
		if (!acquired) {
			throw new FallbackLimitException(this.maxConcurrency, this.wait, why.get());
		}
	}

	/**
	 * Take a turn only if one is free now; {@link #release()} gives it back.
	 * @return whether a turn was taken
	 */
	boolean tryAcquire() {
		Semaphore available = this.permits;
		return available == null || available.tryAcquire();
	}

	/**
	 * Give a turn back.
	 */
	void release() {
		Semaphore available = this.permits;
		if (available != null) {
			available.release();
		}
	}

}
