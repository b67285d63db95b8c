package io.replicarouter.replica;

/**
 * PostgreSQL WAL positions (LSNs): 64-bit numbers written as two hexadecimal halves,
 * {@code 16/B374D848}.
 */
public final class Lsn {

	/**
	 * The value used for an unknown position.
	 */
	public static final long UNKNOWN = -1;

	private Lsn() {
	}

	/**
	 * Parse the text form of an LSN.
	 * @param text the text, for example {@code 0/3000060}
	 * @return the position
	 * @throws IllegalArgumentException if the text is not an LSN
	 */
	public static long parse(String text) {
		int slash = text.indexOf('/');
		if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
			throw new IllegalArgumentException("Not an LSN: '" + text + "'");
		}
		try {
			long high = Long.parseLong(text, 0, slash, 16);
			long low = Long.parseLong(text, slash + 1, text.length(), 16);
			return (high << 32) | low;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Not an LSN: '" + text + "'", ex);
		}
	}

	/**
	 * Format a position in PostgreSQL's text form.
	 * @param lsn the position
	 * @return the text, or {@code "unknown"} for a negative value
	 */
	public static String format(long lsn) {
		if (lsn < 0) {
			return "unknown";
		}
		return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
	}

}
