package io.replicarouter.cache;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Keeps calls away from a failing Redis. After {@code failureThreshold} failures in a
 * row it opens: calls are skipped at once, without waiting for a timeout. After
 * {@code openDuration} one trial call is let through (half-open); success closes it,
 * failure opens it again. Failures are logged at most once per open period. Thread-safe.
 */
public class CircuitBreaker {

	private static final Log logger = LogFactory.getLog(CircuitBreaker.class);

	/**
	 * The breaker's states.
	 */
	public enum State {

		/**
		 * Calls go through.
		 */
		CLOSED,

		/**
		 * Calls are skipped.
		 */
		OPEN,

		/**
		 * One trial call is under way.
		 */
		HALF_OPEN

	}

	private final String name;

	private final int failureThreshold;

	private final long openMillis;

	private final Clock clock;

	private final AtomicReference<State> state = new AtomicReference<>(State.CLOSED);

	private final AtomicInteger consecutiveFailures = new AtomicInteger();

	private final AtomicLong openedAt = new AtomicLong();

	private final List<Runnable> onClose = new CopyOnWriteArrayList<>();

	/**
	 * Create a breaker.
	 * @param failureThreshold failures in a row that open it, at least 1
	 * @param openDuration how long it stays open before a trial call
	 */
	public CircuitBreaker(int failureThreshold, Duration openDuration) {
		this("cache", failureThreshold, openDuration, Clock.systemUTC());
	}

	/**
	 * Create a breaker with a name for its log messages.
	 * @param name what it protects, for example {@code cache}
	 * @param failureThreshold failures in a row that open it, at least 1
	 * @param openDuration how long it stays open before a trial call
	 */
	public CircuitBreaker(String name, int failureThreshold, Duration openDuration) {
		this(name, failureThreshold, openDuration, Clock.systemUTC());
	}

	/**
	 * Create a breaker that reads the time from the given clock.
	 * @param failureThreshold failures in a row that open it, at least 1
	 * @param openDuration how long it stays open before a trial call
	 * @param clock the clock
	 */
	public CircuitBreaker(int failureThreshold, Duration openDuration, Clock clock) {
		this("cache", failureThreshold, openDuration, clock);
	}

	private CircuitBreaker(String name, int failureThreshold, Duration openDuration, Clock clock) {
		this.name = name;
		this.failureThreshold = Math.max(1, failureThreshold);
		this.openMillis = openDuration.toMillis();
		this.clock = clock;
	}

	/**
	 * Run the given action each time the breaker closes after having been open.
	 * @param action the action
	 */
	public void onClose(Runnable action) {
		this.onClose.add(action);
	}

	/**
	 * Return whether a call may go to Redis now.
	 * @return whether to call
	 */
	public boolean allowRequest() {
		State current = this.state.get();
		if (current == State.CLOSED) {
			return true;
		}
		if (current == State.OPEN && this.clock.millis() - this.openedAt.get() >= this.openMillis) {
			return this.state.compareAndSet(State.OPEN, State.HALF_OPEN);
		}
		return false;
	}

	/**
	 * Record that a call succeeded.
	 */
	public void onSuccess() {
		if (this.state.get() == State.OPEN) {
			// A call let through before the circuit opened, answered late: it says nothing
			// about Redis now, and closing on it would let calls fail into timeouts again.
			return;
		}
		this.consecutiveFailures.set(0);
		State previous = this.state.getAndSet(State.CLOSED);
		if (previous != State.CLOSED) {
			logger.info("Redis answers again: " + this.name + " circuit closed");
			this.onClose.forEach(Runnable::run);
		}
	}

	/**
	 * Record that a call failed.
	 * @param failure what failed
	 */
	public void onFailure(Throwable failure) {
		int failures = this.consecutiveFailures.incrementAndGet();
		State current = this.state.get();
		if (current == State.HALF_OPEN || (current == State.CLOSED && failures >= this.failureThreshold)) {
			this.openedAt.set(this.clock.millis());
			if (this.state.getAndSet(State.OPEN) != State.OPEN) {
				logger.warn("Redis is failing (" + failure.getMessage() + "): " + this.name + " circuit open, Redis is not "
						+ "called for " + this.openMillis + " ms before it is tried again");
			}
		}
		else if (current == State.CLOSED && logger.isDebugEnabled()) {
			logger.debug("Redis call failed (" + failures + " in a row): " + failure.getMessage());
		}
	}

	/**
	 * Return the breaker's state.
	 * @return the state
	 */
	public State state() {
		return this.state.get();
	}

}
