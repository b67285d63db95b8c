package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Takes connections of the primary's pool so that work fails fast while the primary is
 * known to be down, instead of waiting for the pool's connection timeout (30 s by
 * default) on every call:
 * <ul>
 * <li>while the {@link RoutingTopology} reports a {@link PrimaryOutage}, a caller waits at
 * most the given time for the primary to come back, then gets a
 * {@link PrimaryUnavailableException} saying since when it is down;</li>
 * <li>callers already waiting in the pool when the primary goes down are woken
 * ({@link #primaryStoppedAnswering()}) and treated the same way. Hikari gives up a borrow
 * when the waiting thread is interrupted; the interrupt this class causes is cleared
 * before the caller continues;</li>
 * <li>a borrow that fails because the primary cannot be reached (the pool's timeout
 * carrying a connection failure) becomes a {@link PrimaryUnavailableException}; a borrow
 * that times out because the pool is busy stays the pool's own exception.</li>
 * </ul>
 * Either way nothing was sent to the primary, which is what makes such failures safe to
 * retry.
 */
final class PrimaryAccess {

	private static final long POLL_MILLIS = 20;

	private static final int MAX_WAKE_UPS = 3;

	private final DataSourceNode primary;

	private final RoutingTopology topology;

	private volatile Duration unavailableWait = Duration.ofSeconds(1);

	/**
	 * Every thread that ever took a connection here, each registered once (a set entry per
	 * call would cost every write an allocation); gone with its thread.
	 */
	private final Set<Waiter> waiters = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

	private final ThreadLocal<Waiter> waiter = ThreadLocal.withInitial(this::register);

	PrimaryAccess(DataSourceNode primary, RoutingTopology topology) {
		this.primary = primary;
		this.topology = topology;
	}

	void setUnavailableWait(Duration unavailableWait) {
		this.unavailableWait = unavailableWait;
	}

	Duration getUnavailableWait() {
		return this.unavailableWait;
	}

	/**
	 * Take a connection of the primary's pool.
	 * @param waitForPrimary whether to wait up to the unavailable wait for a primary that is
	 * down to come back (work that can run nowhere else), or to fail at once (reads that
	 * could run on a replica)
	 * @return the connection
	 * @throws PrimaryUnavailableException if the primary is down or cannot be reached
	 * @throws SQLException if the pool fails otherwise
	 */
	Connection connect(boolean waitForPrimary) throws SQLException {
		for (int wakeUps = 0;; wakeUps++) {
			awaitPrimary(waitForPrimary ? this.unavailableWait : Duration.ZERO);
			Waiter waiter = this.waiter.get();
			waiter.begin();
			try {
				return this.primary.dataSource().getConnection();
			}
			catch (SQLException ex) {
				if (!waiter.wasWoken() || wakeUps >= MAX_WAKE_UPS) {
					throw unreachable(ex);
				}
				// Woken because the primary stopped answering: fail fast, or take a
				// connection if it came back meanwhile.
			}
			finally {
				waiter.finish();
			}
		}
	}

	/**
	 * Wake every caller waiting for a connection of the primary's pool now: the primary
	 * stopped answering.
	 */
	void primaryStoppedAnswering() {
		synchronized (this.waiters) {
			for (Waiter waiter : this.waiters) {
				waiter.wake();
			}
		}
	}

	private Waiter register() {
		Waiter waiter = new Waiter(Thread.currentThread());
		this.waiters.add(waiter);
		return waiter;
	}

	private void awaitPrimary(Duration wait) throws PrimaryUnavailableException {
		PrimaryOutage outage = this.topology.primaryOutage();
		if (outage == null) {
			return;
		}
		long deadline = System.nanoTime() + wait.toNanos();
		while (outage != null && deadline - System.nanoTime() > 0) {
			try {
				Thread.sleep(POLL_MILLIS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			outage = this.topology.primaryOutage();
		}
		if (outage != null) {
			throw PrimaryUnavailableException.down(this.primary, outage, wait);
		}
	}

	private SQLException unreachable(SQLException ex) {
		if (ex instanceof PrimaryUnavailableException) {
			return ex;
		}
		PrimaryOutage outage = this.topology.primaryOutage();
		if (outage != null) {
			return PrimaryUnavailableException.down(this.primary, outage, Duration.ZERO, ex);
		}
		if (ConnectionFailures.isUnreachable(ex)) {
			return PrimaryUnavailableException.unreachable(this.primary, ex);
		}
		return ex;
	}

	/**
	 * A thread that takes connections of the primary's pool, one call at a time: between
	 * {@link #begin()} and {@link #finish()} it may be waiting.
	 */
	private static final class Waiter {

		private final Thread thread;

		private boolean woken;

		private boolean finished = true;

		Waiter(Thread thread) {
			this.thread = thread;
		}

		synchronized void begin() {
			this.woken = false;
			this.finished = false;
		}

		synchronized void wake() {
			if (!this.finished && !this.woken) {
				this.woken = true;
				this.thread.interrupt();
			}
		}

		synchronized boolean wasWoken() {
			return this.woken;
		}

		/**
		 * Called by the waiting thread when it stops waiting: clears the interrupt that
		 * woke it, if any, so the caller does not see it.
		 */
		synchronized void finish() {
			this.finished = true;
			if (this.woken) {
				Thread.interrupted();
			}
		}

	}

}
