package io.replicarouter.routing;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * How fresh the data read on the current thread is, as a WAL position: what a replica had
 * replayed (as far as known) when a read was bound to it; {@link #FRESH} for the primary.
 * Used to refuse caching data read from a replica that has not replayed a write that
 * invalidated it. Kept in the router's single per-thread state.
 */
public final class ReadPositions {

	/**
	 * The position of data read on the primary: as fresh as it gets.
	 */
	public static final long FRESH = Long.MAX_VALUE;

	private ReadPositions() {
	}

	/**
	 * Start tracking the oldest position read on this thread from now on. Data read through
	 * a connection bound before, inside the current transaction, counts too.
	 */
	public static void startTracking() {
		RoutingThreadState state = RoutingThreadState.current();
		state.trackedPosition = TransactionSynchronizationManager.isActualTransactionActive() ? state.lastPosition
				: FRESH;
	}

	/**
	 * Stop tracking and return the oldest position read since tracking started.
	 * @return the position, {@link #FRESH} when nothing was read or tracking was off
	 */
	public static long stopTracking() {
		RoutingThreadState state = RoutingThreadState.current();
		long tracked = state.trackedPosition;
		state.trackedPosition = RoutingThreadState.NOT_TRACKING;
		return (tracked != RoutingThreadState.NOT_TRACKING) ? tracked : FRESH;
	}

	/**
	 * Record a read position as if a connection had been bound (for tests).
	 * @param position the position, a negative value when unknown
	 */
	static void record(long position) {
		RoutingThreadState state = RoutingThreadState.current();
		long value = Math.max(position, 0);
		state.lastPosition = value;
		if (state.trackedPosition != RoutingThreadState.NOT_TRACKING && value < state.trackedPosition) {
			state.trackedPosition = value;
		}
	}

}
