package io.replicarouter.jdbc;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Helpers for PostgreSQL JDBC URLs.
 */
public final class JdbcUrls {

	/**
	 * The prefix every PostgreSQL JDBC URL starts with.
	 */
	public static final String POSTGRESQL_PREFIX = "jdbc:postgresql:";

	private static final String MASK = "******";

	// Query parameters whose values are secrets: password and the key/certificate passwords.
	private static final Pattern SECRET_PARAMETER = Pattern
		.compile("(?i)([?&;](?:password|sslpassword|sslkeypassword)=)[^&;]*");

	// user:password@ in the authority part, which some tools accept.
	private static final Pattern USER_INFO = Pattern.compile("(//[^/@:?&]*:)[^/@]*@");

	private JdbcUrls() {
	}

	/**
	 * Return whether the given URL is a PostgreSQL JDBC URL.
	 * @param url the URL, may be {@code null}
	 * @return whether it starts with {@value #POSTGRESQL_PREFIX}
	 */
	public static boolean isPostgresql(@Nullable String url) {
		return url != null && url.regionMatches(true, 0, POSTGRESQL_PREFIX, 0, POSTGRESQL_PREFIX.length());
	}

	/**
	 * Return the URL with every credential it carries replaced by {@value #MASK}.
	 * @param url the URL, may be {@code null}
	 * @return the masked URL, or an empty string for {@code null}
	 */
	public static String mask(@Nullable String url) {
		if (url == null) {
			return "";
		}
		String masked = USER_INFO.matcher(url).replaceAll((match) -> Matcher.quoteReplacement(match.group(1)) + MASK + "@");
		return SECRET_PARAMETER.matcher(masked).replaceAll((match) -> Matcher.quoteReplacement(match.group(1)) + MASK);
	}

}
