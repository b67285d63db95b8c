package io.replicarouter.routing;

import io.replicarouter.WalPosition;
import org.jspecify.annotations.Nullable;

/**
 * What the router remembers per thread, in one object so that binding a connection costs a
 * single thread-local lookup: the last route ({@link Routes}), the position of the data it
 * read ({@link ReadPositions}, with the open {@link ReadFrame}s) and the active
 * {@link RoutingTrace}.
 */
final class RoutingThreadState {

	private static final ThreadLocal<RoutingThreadState> CURRENT = ThreadLocal.withInitial(RoutingThreadState::new);

	@Nullable DataSourceNode lastNode;

	@Nullable RoutingReason lastReason;

	WalPosition lastPosition = WalPosition.CURRENT;

	/**
	 * When the last connection was bound, in epoch milliseconds; 0 before the first.
	 */
	long lastBoundAt;

	/**
	 * The innermost open read frame, {@code null} outside cached invocations.
	 */
	@Nullable ReadFrame frame;

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
		for (ReadFrame open = this.frame; open != null; open = open.parent) {
			open.read(position);
		}
	}

	/**
	 * Close a frame: normally the innermost; an outer one (closed out of order) takes the
	 * frames opened inside it along.
	 */
	void closeFrame(ReadFrame closed) {
		for (ReadFrame open = this.frame; open != null; open = open.parent) {
			if (open == closed) {
				this.frame = closed.parent;
				return;
			}
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
	 * Return whether work on this thread runs again after a node failed under an earlier
	 * attempt.
	 * @return whether it is a retry
	 */
	boolean isRetry() {
		RoutingTrace active = this.trace;
		return active != null && active.isRetry();
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
		this.lastBoundAt = System.currentTimeMillis();
		read(position);
		RoutingTrace active = this.trace;
		if (active != null) {
			active.add(node, reason);
		}
	}

}
