package io.replicarouter.replica;

import io.replicarouter.WalPosition;
import java.time.Duration;

/**
 * When the primary's WAL reached which position, as seen by the monitor: the basis for
 * time lag that stays right when the primary is idle.
 * <p>
 * {@code now() - pg_last_xact_replay_timestamp()} on a replica grows without bound while
 * the primary commits nothing, although the replica has replayed everything. Here a
 * replica that has replayed the primary's latest known position has no lag; one that has
 * not is behind by the time since the primary first passed its replay position. The
 * estimate is low by at most one probe interval.
 * <p>
 * Samples are kept only when the position moves, in a bounded ring, so an idle primary
 * costs nothing and a busy one keeps the most recent {@value #CAPACITY} changes.
 * Thread-safe.
 */
final class WalPositionHistory {

	static final int CAPACITY = 4096;

	private final long[] positions = new long[CAPACITY];

	private final long[] times = new long[CAPACITY];

	private int start;

	private int size;

	/**
	 * Record the primary's position seen at the given time.
	 * @param position the position; an unknown one is ignored
	 * @param millis when it was seen, in milliseconds of the monitor's clock
	 */
	synchronized void record(WalPosition position, long millis) {
		if (!position.isKnown()) {
			return;
		}
		long lsn = position.toLong();
		if (this.size > 0) {
			long latest = this.positions[index(this.size - 1)];
			if (lsn == latest) {
				return;
			}
			if (lsn < latest) {
				// Another server (a new primary on another timeline) or a reset: start over.
				this.size = 0;
				this.start = 0;
			}
		}
		if (this.size == CAPACITY) {
			this.start = (this.start + 1) % CAPACITY;
			this.size--;
		}
		int slot = index(this.size);
		this.positions[slot] = lsn;
		this.times[slot] = millis;
		this.size++;
	}

	/**
	 * Return the latest recorded position.
	 * @return the position, or {@link WalPosition#UNKNOWN}
	 */
	synchronized WalPosition latest() {
		return (this.size > 0) ? WalPosition.of(this.positions[index(this.size - 1)]) : WalPosition.UNKNOWN;
	}

	/**
	 * Return how long a replica that has replayed up to the given position is behind.
	 * @param replayPosition the replica's replay position, known
	 * @param millis now, in milliseconds of the monitor's clock
	 * @return the lag, zero when the replica has replayed the latest known position
	 */
	synchronized Duration lag(WalPosition replayPosition, long millis) {
		long replayLsn = replayPosition.toLong();
		if (this.size == 0 || replayLsn >= this.positions[index(this.size - 1)]) {
			return Duration.ZERO;
		}
		// Binary search for the first sample beyond the replay position.
		int low = 0;
		int high = this.size - 1;
		while (low < high) {
			int mid = (low + high) >>> 1;
			if (this.positions[index(mid)] > replayLsn) {
				high = mid;
			}
			else {
				low = mid + 1;
			}
		}
		return Duration.ofMillis(Math.max(0, millis - this.times[index(low)]));
	}

	private int index(int offset) {
		return (this.start + offset) % CAPACITY;
	}

}
