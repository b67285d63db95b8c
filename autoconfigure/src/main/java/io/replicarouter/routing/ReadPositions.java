package io.replicarouter.routing;

import io.replicarouter.WalPosition;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * How fresh the data read on the current thread is, as a WAL position: what a replica had
 * replayed (as far as known) when a read was bound to it; {@link WalPosition#CURRENT} for
 * the primary.
 * Used to refuse caching data read from a replica that has not replayed a write that
 * invalidated it. Kept in the router's single per-thread state.
 */
public final class ReadPositions {

	private ReadPositions() {
	}

	/**
	 * Start tracking the oldest position read on this thread from now on. Data read through
	 * a connection bound before, inside the current transaction, counts too.
	 */
	public static void startTracking() {
		RoutingThreadState state = RoutingThreadState.current();
		state.trackedPosition = TransactionSynchronizationManager.isActualTransactionActive() ? state.lastPosition
				: WalPosition.CURRENT;
	}

	/**
	 * Stop tracking and return the oldest position read since tracking started.
	 * @return the position, {@link WalPosition#CURRENT} when nothing was read or tracking
	 * was off, {@link WalPosition#UNKNOWN} when a replica of unknown position was read
	 */
	public static WalPosition stopTracking() {
		RoutingThreadState state = RoutingThreadState.current();
		WalPosition tracked = state.trackedPosition;
		state.trackedPosition = null;
		return (tracked != null) ? tracked : WalPosition.CURRENT;
	}

	/**
	 * Record a read position as if a connection had been bound (for tests).
	 * @param position the position
	 */
	static void record(WalPosition position) {
		RoutingThreadState.current().read(position);
	}

}
