package io.replicarouter;

import org.jspecify.annotations.Nullable;

/**
 * A position in PostgreSQL's write-ahead log (an LSN), written as two hexadecimal halves:
 * {@code 16/B374D848}. The one place that says what a position is, how two compare and
 * what the special positions mean:
 * <ul>
 * <li>{@link #UNKNOWN}: a position that could not be read (a probe that found no replay
 * position, a write whose position the primary did not return). It is not after, before
 * or at any position; {@link #isAtLeast} is {@code false} on either side;</li>
 * <li>{@link #ZERO}: the start of the log, which every server has replayed: requiring it
 * requires nothing;</li>
 * <li>{@link #CURRENT}: the primary's current position, whatever its number: data read on
 * the primary is as fresh as it gets, and no replica can be relied on to have replayed it
 * (a read that requires it runs on the primary).</li>
 * </ul>
 * Immutable.
 */
public final class WalPosition implements Comparable<WalPosition> {

	/**
	 * A position that is not known.
	 */
	public static final WalPosition UNKNOWN = new WalPosition(-1);

	/**
	 * The start of the log.
	 */
	public static final WalPosition ZERO = new WalPosition(0);

	/**
	 * The primary's current position: at or after every other position.
	 */
	public static final WalPosition CURRENT = new WalPosition(Long.MAX_VALUE);

	private final long value;

	private WalPosition(long value) {
		this.value = value;
	}

	/**
	 * Return the position at the given byte offset of the log, as PostgreSQL's
	 * {@code pg_wal_lsn_diff(lsn, '0/0')} gives it.
	 * @param value the offset, not negative
	 * @return the position
	 */
	public static WalPosition of(long value) {
		if (value < 0 || value == Long.MAX_VALUE) {
			throw new IllegalArgumentException("Not a WAL position: " + value);
		}
		return (value == 0) ? ZERO : new WalPosition(value);
	}

	/**
	 * Return the position at the given offset, or {@link #UNKNOWN} for {@code null}
	 * (a query that returned SQL {@code NULL}).
	 * @param value the offset, or {@code null}
	 * @return the position
	 */
	public static WalPosition ofNullable(@Nullable Long value) {
		return (value != null) ? of(value) : UNKNOWN;
	}

	/**
	 * Parse PostgreSQL's text form of a position.
	 * @param text the text, for example {@code 0/3000060}
	 * @return the position
	 * @throws IllegalArgumentException if the text is not a position
	 */
	public static WalPosition parse(String text) {
		int slash = text.indexOf('/');
		if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
			throw new IllegalArgumentException("Not a WAL position: '" + text + "'");
		}
		try {
			long high = Long.parseLong(text, 0, slash, 16);
			long low = Long.parseLong(text, slash + 1, text.length(), 16);
			return of((high << 32) | low);
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Not a WAL position: '" + text + "'", ex);
		}
	}

	/**
	 * Return whether this position is known.
	 * @return {@code false} for {@link #UNKNOWN} only
	 */
	public boolean isKnown() {
		return this.value >= 0;
	}

	/**
	 * Return the byte offset of this position in the log.
	 * @return the offset
	 * @throws IllegalStateException for {@link #UNKNOWN} and {@link #CURRENT}, which have
	 * none
	 */
	public long toLong() {
		if (this.value < 0 || this.value == Long.MAX_VALUE) {
			throw new IllegalStateException("The " + this + " WAL position has no offset");
		}
		return this.value;
	}

	/**
	 * Return whether this position is at or after the other: a server that replayed this
	 * one has replayed the other. Never true when either is unknown.
	 * @param other the other position
	 * @return whether this one is at least the other
	 */
	public boolean isAtLeast(WalPosition other) {
		return this.value >= 0 && other.value >= 0 && this.value >= other.value;
	}

	/**
	 * Return how many bytes of log lie between an older position and this one.
	 * @param older the older position
	 * @return the bytes, 0 when this one is not after it or either is unknown
	 */
	public long bytesAfter(WalPosition older) {
		if (!isKnown() || !older.isKnown() || this == CURRENT || older == CURRENT) {
			return 0;
		}
		return Math.max(0, this.value - older.value);
	}

	/**
	 * Return the later of this position and another; a known position is later than an
	 * unknown one.
	 * @param other the other position
	 * @return the later one
	 */
	public WalPosition max(WalPosition other) {
		return (other.value > this.value) ? other : this;
	}

	/**
	 * Return the earlier of this position and another, an unknown position counting as
	 * the earliest of all.
	 * @param other the other position
	 * @return the earlier one
	 */
	public WalPosition min(WalPosition other) {
		return (other.value < this.value) ? other : this;
	}

	/**
	 * Compare positions by their place in the log; {@link #UNKNOWN} sorts before every
	 * known position, {@link #CURRENT} after.
	 */
	@Override
	public int compareTo(WalPosition other) {
		return Long.compare(this.value, other.value);
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof WalPosition position && position.value == this.value;
	}

	@Override
	public int hashCode() {
		return Long.hashCode(this.value);
	}

	/**
	 * Return PostgreSQL's text form of this position, {@code unknown} or {@code current}.
	 * @return the text
	 */
	@Override
	public String toString() {
		if (this.value < 0) {
			return "unknown";
		}
		if (this.value == Long.MAX_VALUE) {
			return "current";
		}
		return Long.toHexString(this.value >>> 32).toUpperCase() + "/"
				+ Long.toHexString(this.value & 0xFFFFFFFFL).toUpperCase();
	}

}
