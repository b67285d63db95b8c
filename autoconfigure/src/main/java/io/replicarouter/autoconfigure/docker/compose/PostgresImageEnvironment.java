package io.replicarouter.autoconfigure.docker.compose;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * What the environment of a service of the official {@code postgres} image says about
 * connecting to it: {@code POSTGRES_USER}, {@code POSTGRES_PASSWORD} and
 * {@code POSTGRES_DB}, each optional.
 * <p>
 * A replica made with {@code pg_basebackup} has the primary's users and databases
 * whatever its own environment says, so an unset user or password stays unset (the
 * replica then connects with the primary's). The database follows the image's rule:
 * {@code POSTGRES_DB}, else {@code POSTGRES_USER}, else {@code postgres}.
 *
 * @param username the user name, or {@code null} when not set
 * @param password the password, or {@code null} when not set
 * @param database the database to connect to
 */
record PostgresImageEnvironment(@Nullable String username, @Nullable String password, String database) {

	private static final String DEFAULT_DATABASE = "postgres";

	/**
	 * Read a service's environment.
	 * @param env the service's environment variables
	 * @return what they say
	 */
	static PostgresImageEnvironment of(Map<String, @Nullable String> env) {
		String username = value(env, "POSTGRES_USER");
		String database = value(env, "POSTGRES_DB");
		if (database == null) {
			database = (username != null) ? username : DEFAULT_DATABASE;
		}
		return new PostgresImageEnvironment(username, value(env, "POSTGRES_PASSWORD"), database);
	}

	private static @Nullable String value(Map<String, @Nullable String> env, String name) {
		String value = env.get(name);
		return StringUtils.hasText(value) ? value : null;
	}

	@Override
	public String toString() {
		// Never the password.
		return "PostgresImageEnvironment[username=" + this.username + ", database=" + this.database + "]";
	}

}
