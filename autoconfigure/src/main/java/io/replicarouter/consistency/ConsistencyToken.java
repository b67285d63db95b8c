package io.replicarouter.consistency;

import java.util.Optional;
import java.util.regex.Pattern;

import io.replicarouter.WalPosition;

import org.jspecify.annotations.Nullable;

/**
 * What a scope must not read behind: the primary's WAL position after its last write and
 * when that write happened. Immutable. Its text form, {@code 1.<lsn hex>.<epoch millis
 * hex>}, travels in cookies, headers, messages or Redis; text from outside is untrusted,
 * and {@link #parse(String)} accepts only that exact form.
 * <p>
 * A write whose position could not be read (the primary failed right after the commit)
 * gives a token of unknown position, {@code 1.u.<epoch millis hex>}: its scope reads from
 * the primary until every replica in rotation has replayed the write. That requirement
 * survives the text form and every merge: merged with any other token, the unknown
 * position wins, since no known position says what the unknown one was.
 *
 * @param position the primary's WAL position after the write, {@link WalPosition#UNKNOWN}
 * when it could not be read
 * @param writtenAt when the write committed, in epoch milliseconds, or 0 when never
 */
public record ConsistencyToken(WalPosition position, long writtenAt) {

	/**
	 * A token that requires nothing.
	 */
	public static final ConsistencyToken EMPTY = new ConsistencyToken(WalPosition.ZERO, 0);

	private static final int MAX_LENGTH = 40;

	private static final Pattern FORMAT = Pattern.compile("1\\.(?:[0-9a-f]{1,16}|u)\\.[0-9a-f]{1,16}");

	private static final String UNKNOWN = "u";

	/**
	 * Return whether this token requires anything.
	 * @return whether it is empty
	 */
	public boolean isEmpty() {
		return this.writtenAt == 0;
	}

	/**
	 * Return whether this token stands for a write whose WAL position is not known.
	 * @return whether the position is unknown
	 */
	public boolean isPositionUnknown() {
		return !isEmpty() && !this.position.isKnown();
	}

	/**
	 * Return a token that requires what this one and the other one require.
	 * @param other the other token
	 * @return the merged token
	 */
	public ConsistencyToken merge(ConsistencyToken other) {
		if (other.isEmpty()) {
			return this;
		}
		if (isEmpty()) {
			return other;
		}
		WalPosition position = (isPositionUnknown() || other.isPositionUnknown()) ? WalPosition.UNKNOWN
				: this.position.max(other.position);
		long writtenAt = Math.max(this.writtenAt, other.writtenAt);
		// The newer token usually holds both (a write after the scope's last one): no copy.
		if (position.equals(other.position) && writtenAt == other.writtenAt) {
			return other;
		}
		if (position.equals(this.position) && writtenAt == this.writtenAt) {
			return this;
		}
		return new ConsistencyToken(position, writtenAt);
	}

	/**
	 * Return the text form of this token.
	 * @return the text, empty for an empty token
	 */
	public String encode() {
		if (isEmpty()) {
			return "";
		}
		String position = isPositionUnknown() ? UNKNOWN : Long.toHexString(this.position.toLong());
		return "1." + position + "." + Long.toHexString(this.writtenAt);
	}

	/**
	 * Parse the text form of a token. Anything else, including oversized or tampered text,
	 * gives an empty result, never an exception.
	 * @param text the text, may be {@code null}
	 * @return the token, or empty
	 */
	public static Optional<ConsistencyToken> parse(@Nullable String text) {
		if (text == null || text.isEmpty() || text.length() > MAX_LENGTH || !FORMAT.matcher(text).matches()) {
			return Optional.empty();
		}
		int second = text.indexOf('.', 2);
		try {
			boolean unknown = text.startsWith(UNKNOWN, 2);
			long lsn = unknown ? 0 : Long.parseUnsignedLong(text, 2, second, 16);
			long writtenAt = Long.parseUnsignedLong(text, second + 1, text.length(), 16);
			if (writtenAt <= 0) {
				return Optional.empty();
			}
			return Optional.of(new ConsistencyToken(unknown ? WalPosition.UNKNOWN : WalPosition.of(lsn), writtenAt));
		}
		catch (IllegalArgumentException ex) {
			return Optional.empty();
		}
	}

}
