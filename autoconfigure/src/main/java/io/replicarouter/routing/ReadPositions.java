package io.replicarouter.routing;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * How fresh the data read on the current thread is, as a WAL position: what a replica had
 * replayed (as far as known) when a read was bound to it; {@link #FRESH} for the primary.
 * Used to refuse caching data read from a replica that has not replayed a write that
 * invalidated it. Tracking costs one thread-local read per connection when off.
 */
public final class ReadPositions {

	/**
	 * The position of data read on the primary: as fresh as it gets.
	 */
	public static final long FRESH = Long.MAX_VALUE;

	private static final ThreadLocal<long[]> LAST_BOUND = ThreadLocal.withInitial(() -> new long[] { FRESH });

	private static final ThreadLocal<long[]> TRACKED = new ThreadLocal<>();

	private ReadPositions() {
	}

	/**
	 * Start tracking the oldest position read on this thread from now on. Data read through
	 * a connection bound before, inside the current transaction, counts too.
	 */
	public static void startTracking() {
		long initial = TransactionSynchronizationManager.isActualTransactionActive() ? LAST_BOUND.get()[0] : FRESH;
		TRACKED.set(new long[] { initial });
	}

	/**
	 * Stop tracking and return the oldest position read since tracking started.
	 * @return the position, {@link #FRESH} when nothing was read or tracking was off
	 */
	public static long stopTracking() {
		long[] tracked = TRACKED.get();
		TRACKED.remove();
		return (tracked != null) ? tracked[0] : FRESH;
	}

	/**
	 * Record that a connection was bound to a node whose data is at the given position.
	 * @param position the position, a negative value when unknown
	 */
	static void record(long position) {
		long value = Math.max(position, 0);
		LAST_BOUND.get()[0] = value;
		long[] tracked = TRACKED.get();
		if (tracked != null && value < tracked[0]) {
			tracked[0] = value;
		}
	}

}
