package io.replicarouter.routing;

import io.replicarouter.WalPosition;
import org.jspecify.annotations.Nullable;

/**
 * What the router remembers per thread, in one object so that binding a connection costs a
 * single thread-local lookup: the last route ({@link Routes}), the position of the data it
 * read ({@link ReadPositions}) and the active {@link RoutingTrace}.
 */
final class RoutingThreadState {

	private static final ThreadLocal<RoutingThreadState> CURRENT = ThreadLocal.withInitial(RoutingThreadState::new);

	@Nullable DataSourceNode lastNode;

	@Nullable RoutingReason lastReason;

	WalPosition lastPosition = WalPosition.CURRENT;

	/**
	 * The oldest position read since tracking started, {@code null} while not tracking.
	 */
	@Nullable WalPosition trackedPosition;

	@Nullable RoutingTrace trace;

	/**
	 * Whether a connection to the primary must be checked before a read uses it: set while
	 * a read-only transaction runs again because the primary failed under it.
	 */
	boolean verifyPrimary;

	private RoutingThreadState() {
	}

	static RoutingThreadState current() {
		return CURRENT.get();
	}

	/**
	 * Record the position of data read on this thread.
	 * @param position the position; an unknown one counts as the oldest of all
	 */
	void read(WalPosition position) {
		this.lastPosition = position;
		WalPosition tracked = this.trackedPosition;
		if (tracked != null) {
			this.trackedPosition = tracked.min(position);
		}
	}

	/**
	 * Record that a connection used on this thread broke, for the active trace.
	 */
	void connectionLost() {
		RoutingTrace active = this.trace;
		if (active != null) {
			active.connectionLost();
		}
	}

	/**
	 * Record that a connection was bound on this thread.
	 * @param node the node
	 * @param reason why
	 * @param position the position of the data it reads
	 */
	void bound(DataSourceNode node, RoutingReason reason, WalPosition position) {
		this.lastNode = node;
		this.lastReason = reason;
		read(position);
		RoutingTrace active = this.trace;
		if (active != null) {
			active.add(node, reason);
		}
	}

}
