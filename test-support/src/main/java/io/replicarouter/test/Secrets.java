package io.replicarouter.test;

import java.util.regex.Pattern;

/**
 * Masks secrets in text that is about to be logged or put into an exception message.
 */
final class Secrets {

	/** {@code password=value}, {@code password = 'quoted \' value'} or {@code "password": value}. */
	private static final Pattern PASSWORD = Pattern.compile(
			"(?i)(password\"?\\s*[=:]\\s*)('(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s,;&)]+)");

	private Secrets() {
	}

	/**
	 * Replaces the value of every {@code password=...} pair in the text by {@code ******}.
	 * @param text any text
	 * @return the text with password values masked
	 */
	static String mask(String text) {
		return PASSWORD.matcher(text).replaceAll("$1******");
	}

}
