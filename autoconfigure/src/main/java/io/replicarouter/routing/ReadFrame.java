package io.replicarouter.routing;

import io.replicarouter.WalPosition;
import org.jspecify.annotations.Nullable;

/**
 * The data read by one cached invocation: the oldest WAL position read on this thread
 * while the frame was open, and when it opened. Frames nest: a read counts for every open
 * frame of the thread, so an outer cached method also sees what its inner cached methods
 * read. Opened and closed by {@link ReadPositions}, on one thread.
 */
public final class ReadFrame implements AutoCloseable {

	private final RoutingThreadState state;

	final @Nullable ReadFrame parent;

	private final long startedAt;

	private final boolean asynchronous;

	private WalPosition oldest;

	private boolean closed;

	ReadFrame(RoutingThreadState state, @Nullable ReadFrame parent, WalPosition initial, long startedAt,
			boolean asynchronous) {
		this.state = state;
		this.parent = parent;
		this.oldest = initial;
		this.startedAt = startedAt;
		this.asynchronous = asynchronous;
	}

	void read(WalPosition position) {
		this.oldest = this.oldest.min(position);
	}

	/**
	 * Return the oldest position read in this frame: {@link WalPosition#CURRENT} when only
	 * the primary (or nothing) was read, {@link WalPosition#UNKNOWN} when the frame's reads
	 * may run on other threads, which it cannot see.
	 * @return the position
	 */
	public WalPosition position() {
		return this.asynchronous ? WalPosition.UNKNOWN : this.oldest;
	}

	/**
	 * Return when the frame opened, or the transaction it joined bound its connection, in
	 * epoch milliseconds: no data read in the frame is older than a snapshot taken then.
	 * @return the time
	 */
	public long startedAt() {
		return this.startedAt;
	}

	@Override
	public void close() {
		if (!this.closed) {
			this.closed = true;
			this.state.closeFrame(this);
		}
	}

}
