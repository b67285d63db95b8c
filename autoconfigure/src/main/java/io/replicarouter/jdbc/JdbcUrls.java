package io.replicarouter.jdbc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

	private static final List<String> HOST_CHOICE_PARAMETERS = List.of("targetservertype", "loadbalancehosts",
			"hostrecheckseconds");

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
		String masked = maskUserInfo(url);
		return SECRET_PARAMETER.matcher(masked).replaceAll((match) -> Matcher.quoteReplacement(match.group(1)) + MASK);
	}

	/**
	 * Mask the password of a {@code //user:password@host} part. The password may hold any
	 * character, '/' and '@' included, so it runs from the first ':' after "//" to the last
	 * '@' before the query.
	 */
	private static String maskUserInfo(String url) {
		int authority = url.indexOf("//");
		if (authority < 0) {
			return url;
		}
		int query = url.indexOf('?', authority);
		int at = url.lastIndexOf('@', (query >= 0) ? query : url.length());
		int colon = url.indexOf(':', authority + 2);
		if (at < authority || colon < 0 || colon > at) {
			return url;
		}
		return url.substring(0, colon + 1) + MASK + url.substring(at);
	}

	/**
	 * Return the query parameters of a URL as written, by lower-case name, in order. Values
	 * are kept raw (not decoded), so they can be copied into another URL unchanged.
	 * @param url the URL, may be {@code null}
	 * @return the parameters, empty when there are none
	 */
	public static Map<String, String> parameters(@Nullable String url) {
		Map<String, String> parameters = new LinkedHashMap<>();
		int query = (url != null) ? url.indexOf('?') : -1;
		if (url == null || query < 0) {
			return parameters;
		}
		for (String pair : url.substring(query + 1).split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int equals = pair.indexOf('=');
			String name = (equals < 0) ? pair : pair.substring(0, equals);
			parameters.put(name.toLowerCase(Locale.ROOT), pair);
		}
		return parameters;
	}

	/**
	 * Return the host names of a PostgreSQL URL (several with failover URLs); an empty list
	 * when it names none and the driver connects to localhost.
	 * @param url the URL, may be {@code null}
	 * @return the hosts, without ports or brackets
	 */
	public static List<String> hosts(@Nullable String url) {
		List<String> hosts = new ArrayList<>();
		if (!isPostgresql(url) || !url.startsWith("//", POSTGRESQL_PREFIX.length())) {
			return hosts;
		}
		String rest = url.substring(POSTGRESQL_PREFIX.length() + 2);
		int end = rest.length();
		for (char stop : new char[] { '/', '?' }) {
			int at = rest.indexOf(stop);
			if (at >= 0 && at < end) {
				end = at;
			}
		}
		String authority = rest.substring(0, end);
		authority = authority.substring(authority.lastIndexOf('@') + 1);
		for (String hostAndPort : authority.split(",")) {
			String host = hostAndPort;
			if (host.startsWith("[")) {
				int close = host.indexOf(']');
				host = host.substring(1, (close > 0) ? close : host.length());
			}
			else if (host.indexOf(':') >= 0) {
				host = host.substring(0, host.indexOf(':'));
			}
			if (!host.isEmpty()) {
				hosts.add(host);
			}
		}
		return hosts;
	}

	/**
	 * Return whether a host is this machine: {@code localhost}, {@code 127.0.0.0/8} or
	 * {@code ::1}. No name is resolved.
	 * @param host the host name or address
	 * @return whether traffic to it stays on this machine
	 */
	public static boolean isLocalHost(String host) {
		String lower = host.toLowerCase(Locale.ROOT);
		return lower.equals("localhost") || lower.endsWith(".localhost") || lower.startsWith("127.")
				|| lower.equals("::1") || lower.equals("0:0:0:0:0:0:0:1");
	}

	/**
	 * Return what keeps a PostgreSQL URL from being usable, as far as can be told without
	 * the driver: white space, or a {@code //host:port} part whose port is not a number
	 * from 1 to 65535.
	 * @param url a URL that starts with {@value #POSTGRESQL_PREFIX}
	 * @return the problem, or {@code null} when none is seen
	 */
	public static @Nullable String malformation(String url) {
		for (int i = 0; i < url.length(); i++) {
			if (Character.isWhitespace(url.charAt(i)) || Character.isISOControl(url.charAt(i))) {
				return "it contains white space or control characters";
			}
		}
		if (!url.startsWith("//", POSTGRESQL_PREFIX.length())) {
			return (url.length() > POSTGRESQL_PREFIX.length()) ? null : "it names no server nor database";
		}
		String rest = url.substring(POSTGRESQL_PREFIX.length() + 2);
		int end = rest.length();
		for (char stop : new char[] { '/', '?' }) {
			int at = rest.indexOf(stop);
			if (at >= 0 && at < end) {
				end = at;
			}
		}
		String authority = rest.substring(0, end);
		authority = authority.substring(authority.lastIndexOf('@') + 1);
		for (String hostAndPort : authority.split(",", -1)) {
			int close = hostAndPort.startsWith("[") ? hostAndPort.indexOf(']') : -1;
			if (hostAndPort.startsWith("[") && close < 0) {
				return "its IPv6 address '" + hostAndPort + "' lacks a closing ']'";
			}
			int colon = hostAndPort.indexOf(':', Math.max(close, 0));
			if (colon < 0) {
				continue;
			}
			String port = hostAndPort.substring(colon + 1);
			if (port.isEmpty() && colon == hostAndPort.length() - 1) {
				return "its port after '" + hostAndPort + "' is empty";
			}
			if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
				return "its port '" + port + "' is not a number from 1 to 65535";
			}
		}
		return null;
	}

	/**
	 * Return whether a URL carries credentials before its host ({@code //user:password@host}),
	 * which PostgreSQL's driver does not read: it takes them for part of the host name.
	 * @param url the URL, may be {@code null}
	 * @return whether it has a user-info part
	 */
	public static boolean hasUserInfo(@Nullable String url) {
		if (url == null) {
			return false;
		}
		int start = url.indexOf("//");
		if (start < 0) {
			return false;
		}
		int end = url.length();
		for (char stop : new char[] { '/', '?' }) {
			int at = url.indexOf(stop, start + 2);
			if (at >= 0 && at < end) {
				end = at;
			}
		}
		return url.substring(start + 2, end).indexOf('@') >= 0;
	}

	/**
	 * Return the URL with its hosts replaced by one server's address: same database, same
	 * parameters, except those that only choose among several hosts
	 * ({@code targetServerType}, {@code loadBalanceHosts}, {@code hostRecheckSeconds}),
	 * which would refuse a standby or shuffle a single host.
	 * @param url a PostgreSQL JDBC URL
	 * @param host the server's host name or address
	 * @param port the server's port
	 * @return the URL of that server
	 */
	public static String withServer(String url, String host, int port) {
		String rest = url.substring(POSTGRESQL_PREFIX.length());
		String path;
		if (rest.startsWith("//")) {
			int slash = rest.indexOf('/', 2);
			int query = rest.indexOf('?', 2);
			int end = (slash >= 0) ? slash : ((query >= 0) ? query : rest.length());
			path = rest.substring(end);
		}
		else {
			path = "/" + rest;
		}
		if (path.isEmpty() || path.charAt(0) == '?') {
			path = "/" + path;
		}
		int query = path.indexOf('?');
		StringBuilder kept = new StringBuilder(path.substring(0, (query >= 0) ? query : path.length()));
		if (query >= 0) {
			char separator = '?';
			for (String pair : path.substring(query + 1).split("&")) {
				String name = pair.substring(0, (pair.indexOf('=') >= 0) ? pair.indexOf('=') : pair.length())
					.toLowerCase(Locale.ROOT);
				if (pair.isEmpty() || HOST_CHOICE_PARAMETERS.contains(name)) {
					continue;
				}
				kept.append(separator).append(pair);
				separator = '&';
			}
		}
		String address = (host.indexOf(':') >= 0 && !host.startsWith("[")) ? "[" + host + "]" : host;
		return POSTGRESQL_PREFIX + "//" + address + ":" + port + kept;
	}

}
