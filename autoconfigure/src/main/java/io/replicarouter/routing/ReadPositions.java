package io.replicarouter.routing;

import io.replicarouter.WalPosition;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * How fresh the data read by a cached invocation is, as a WAL position: what a replica had
 * replayed (as far as known) when a read was bound to it; {@link WalPosition#CURRENT} for
 * the primary. Used to refuse caching data read from a replica that has not replayed a
 * write that invalidated it. Each cached invocation opens its own {@link ReadFrame}, kept
 * in the router's single per-thread state, so nested and successive invocations never
 * share a position.
 */
public final class ReadPositions {

	private ReadPositions() {
	}

	/**
	 * Open a frame that tracks the oldest position read on this thread until it is closed.
	 * Inside a transaction, data read through the connection it already bound counts too.
	 * @param asynchronous whether the invocation's reads may run on other threads (a
	 * {@code CompletableFuture} or reactive method): its position is then unknown
	 * @return the frame, to close when the invocation returns
	 */
	public static ReadFrame open(boolean asynchronous) {
		RoutingThreadState state = RoutingThreadState.current();
		long now = System.currentTimeMillis();
		boolean joined = TransactionSynchronizationManager.isActualTransactionActive() && state.lastBoundAt != 0;
		ReadFrame frame = new ReadFrame(state, state.frame, joined ? state.lastPosition : WalPosition.CURRENT,
				joined ? Math.min(now, state.lastBoundAt) : now, asynchronous);
		state.frame = frame;
		return frame;
	}

	/**
	 * Return the innermost open frame of this thread.
	 * @return the frame, or {@code null} outside cached invocations
	 */
	public static @Nullable ReadFrame current() {
		return RoutingThreadState.current().frame;
	}

	/**
	 * Record a read position as if a connection had been bound (for tests).
	 * @param position the position
	 */
	static void record(WalPosition position) {
		RoutingThreadState.current().read(position);
	}

}
