package io.replicarouter.routing;

import org.jspecify.annotations.Nullable;

/**
 * What the router remembers per thread, in one object so that binding a connection costs a
 * single thread-local lookup: the last route ({@link Routes}), the position of the data it
 * read ({@link ReadPositions}) and the active {@link RoutingTrace}.
 */
final class RoutingThreadState {

	static final long NOT_TRACKING = Long.MIN_VALUE;

	private static final ThreadLocal<RoutingThreadState> CURRENT = ThreadLocal.withInitial(RoutingThreadState::new);

	@Nullable DataSourceNode lastNode;

	@Nullable RoutingReason lastReason;

	long lastPosition = ReadPositions.FRESH;

	long trackedPosition = NOT_TRACKING;

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
	 * @param position the position of the data it reads, a negative value when unknown
	 */
	void bound(DataSourceNode node, RoutingReason reason, long position) {
		this.lastNode = node;
		this.lastReason = reason;
		long value = Math.max(position, 0);
		this.lastPosition = value;
		if (this.trackedPosition != NOT_TRACKING && value < this.trackedPosition) {
			this.trackedPosition = value;
		}
		RoutingTrace active = this.trace;
		if (active != null) {
			active.add(node, reason);
		}
	}

}
