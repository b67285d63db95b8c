package io.replicarouter.test;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the builder settings that both cluster backends share; each method returns its argument or throws
 * {@link IllegalArgumentException}.
 */
final class ClusterSettings {

	private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");

	private ClusterSettings() {
	}

	static int replicas(int replicas) {
		if (replicas < 0) {
			throw new IllegalArgumentException("replicas must be at least 0: " + replicas);
		}
		return replicas;
	}

	static String username(String username) {
		if (username.isEmpty()) {
			throw new IllegalArgumentException("username must not be empty");
		}
		return username;
	}

	static String password(String password) {
		if (password.isEmpty() || password.contains("\n") || password.contains("\r")) {
			throw new IllegalArgumentException("password must not be empty nor contain line breaks");
		}
		return password;
	}

	static String database(String database) {
		if (database.isEmpty()) {
			throw new IllegalArgumentException("database must not be empty");
		}
		return database;
	}

	/**
	 * Checks a server setting's name, which must not be one of the {@code managed} settings (lower case).
	 */
	static String settingName(String name, Set<String> managed) {
		if (!SETTING_NAME.matcher(name).matches()) {
			throw new IllegalArgumentException("Not a setting name: " + name);
		}
		if (managed.contains(name.toLowerCase(Locale.ROOT))) {
			throw new IllegalArgumentException(name + " is managed by the cluster");
		}
		return name;
	}

	static Duration startupTimeout(Duration timeout) {
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("startupTimeout must be positive: " + timeout);
		}
		return timeout;
	}

}
