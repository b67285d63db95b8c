package io.replicarouter.cache;

import io.replicarouter.WalPosition;
import io.replicarouter.routing.ReadFrame;
import io.replicarouter.routing.ReadPositions;
import org.jspecify.annotations.Nullable;

/**
 * Where and when the value of one put was read: the oldest WAL position its invocation
 * read, and when that invocation started. Captured by {@link RoutingAwareCache} when the
 * put is made, it travels with the put (also when the put is deferred to after commit) and
 * reaches the writer for exactly that one call.
 *
 * @param position the oldest position read; {@link WalPosition#CURRENT} for the primary,
 * {@link WalPosition#UNKNOWN} when not known
 * @param startedAt when the read began, epoch milliseconds
 */
record ReadProvenance(WalPosition position, long startedAt) {

	/**
	 * Nothing is known about the value: it is cached only where no eviction marker lives.
	 */
	static final ReadProvenance UNKNOWN = new ReadProvenance(WalPosition.UNKNOWN, 0);

	private static final ThreadLocal<@Nullable ReadProvenance> IN_FLIGHT = new ThreadLocal<>();

	/**
	 * Return the provenance of a value put now on this thread: the innermost cached
	 * invocation's, or {@link #UNKNOWN} outside one (a {@code @CachePut}, a put completing an
	 * asynchronous method, a direct put).
	 */
	static ReadProvenance ofCurrentInvocation() {
		ReadFrame frame = ReadPositions.current();
		return (frame != null) ? new ReadProvenance(frame.position(), frame.startedAt()) : UNKNOWN;
	}

	/**
	 * Run a call with this provenance visible to the writer, and only for that call.
	 */
	void during(Runnable call) {
		ReadProvenance outer = IN_FLIGHT.get();
		IN_FLIGHT.set(this);
		try {
			call.run();
		}
		finally {
			IN_FLIGHT.set(outer);
		}
	}

	/**
	 * Return the provenance of the put the writer is making now.
	 */
	static ReadProvenance inFlight() {
		ReadProvenance provenance = IN_FLIGHT.get();
		return (provenance != null) ? provenance : UNKNOWN;
	}

}
