package io.replicarouter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariConfig;
import io.replicarouter.autoconfigure.ReplicaRouterProperties.Replica;
import io.replicarouter.jdbc.JdbcUrls;
import io.replicarouter.jdbc.NodePoolFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Checks replica-router's configuration at startup, all of it at once and before any pool
 * is built, so that a value that cannot work stops the application with one message that
 * names every property at fault and its fix.
 */
public final class SettingsValidator {

	private static final String STATEMENT_TIMEOUT_FIX = "Set a duration such as 10s, or 0 for no statement timeout.";

	private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private SettingsValidator() {
	}

	/**
	 * Check every setting of the router at once, before any pool is built, and throw one
	 * exception that lists every problem.
	 * @param settings the bound properties and the primary's source
	 * @throws InvalidReplicaRouterConfigurationException if anything is wrong
	 */
	static void validate(ReplicaRouterSettings settings) {
		ConfigurationProblems problems = new ConfigurationProblems();
		validate(settings.router(), settings.health(), problems);
		validate(settings.consistency(), problems);
		if (settings.pgBouncerAdmin()) {
			validate(settings.pgBouncer(), problems);
		}
		if (settings.patroni().isEnabled()) {
			validate(settings.patroni(), settings.primary(), problems);
		}
		validatePrimary(settings.primary(), problems);
		Set<String> names = validateReplicas(settings.router(), settings.primary(), problems);
		validateServiceReplicas(settings.services(), settings.primary(), names, problems);
		validateGroups(settings.router(), !settings.services().isEmpty(), problems);
		problems.throwIfAny();
	}

	/**
	 * Replica groups (replicas of connection details are in the default group): valid
	 * names, at least one replica in the default group (ordinary
	 * reads would otherwise all run on the primary), a replica in every group that has
	 * settings, and fallbacks that name what exists without going round in circles.
	 */
	private static void validateGroups(ReplicaRouterProperties router, boolean serviceReplicas,
			ConfigurationProblems problems) {
		String prefix = ReplicaRouterProperties.PREFIX;
		Set<String> groups = new java.util.TreeSet<>();
		if (serviceReplicas) {
			// replicas of connection details are in the default group
			groups.add(io.replicarouter.routing.DataSourceNode.DEFAULT_GROUP);
		}
		for (int index = 0; index < router.getReplicas().size(); index++) {
			String group = router.getReplicas().get(index).getGroup();
			if (group == null || !VALID_NAME.matcher(group).matches()) {
				problems.add(prefix + ".replicas[" + index + "].group",
						"'" + group + "' is empty or contains characters other than letters, digits, '.', '_' and '-'",
						"Use a short name such as 'analytics', or remove it for the default group.");
			}
			else {
				groups.add(group);
			}
		}
		if (!router.getReplicas().isEmpty() && !groups.isEmpty()
				&& !groups.contains(io.replicarouter.routing.DataSourceNode.DEFAULT_GROUP)) {
			problems.add(prefix + ".replicas[i].group",
					"no replica is in the 'default' group, so every ordinary read-only transaction would run on the"
							+ " primary",
					"Leave replicas[i].group unset (or 'default') on the replicas that serve ordinary reads.");
		}
		router.getGroups().forEach((name, group) -> {
			String property = prefix + ".groups." + name;
			if (!groups.contains(name)) {
				problems.add(property, "no replica is in group '" + name + "'",
						"Put a replica in it (replica-router.replicas[i].group=" + name
								+ "), or remove its settings. Groups with replicas: " + String.join(", ", groups) + ".");
			}
			if (group.getMaxLag() != null) {
				positive(problems, property + ".max-lag", group.getMaxLag(), "for example 60s");
			}
			String fallback = group.getFallback();
			if (fallback != null && !fallback.strip().equals("primary") && !fallback.strip().equals("fail")) {
				if (fallback.strip().equals(name)) {
					problems.add(property + ".fallback", "the group falls back to itself",
							"Set 'fail', 'primary' or another group.");
				}
				else if (!groups.contains(fallback.strip())) {
					problems.add(property + ".fallback", "'" + fallback + "' is neither 'fail', 'primary' nor a group",
							"Set 'fail', 'primary' or one of the groups replicas are in: " + String.join(", ", groups)
									+ ".");
				}
			}
		});
		String cycle = fallbackCycle(router.getGroups());
		if (cycle != null) {
			problems.add(prefix + ".groups.*.fallback", "groups fall back to each other in a cycle: " + cycle,
					"Let one of them fall back to 'fail' or 'primary'.");
		}
	}

	private static @Nullable String fallbackCycle(Map<String, ReplicaRouterProperties.Group> groups) {
		for (String start : groups.keySet()) {
			List<String> path = new ArrayList<>();
			for (String next = start; next != null && groups.containsKey(next); next = fallbackOf(groups, next)) {
				if (path.contains(next)) {
					path.add(next);
					return String.join(" -> ", path);
				}
				path.add(next);
			}
		}
		return null;
	}

	private static @Nullable String fallbackOf(Map<String, ReplicaRouterProperties.Group> groups, String group) {
		String fallback = groups.get(group).getFallback();
		return (fallback != null) ? fallback.strip() : null;
	}

	private static void validate(ReplicaRouterProperties router, ReplicaHealthProperties health,
			ConfigurationProblems problems) {
		String prefix = ReplicaRouterProperties.PREFIX;
		positive(problems, prefix + ".max-lag", router.getMaxLag(), "for example 5s");
		DataSize maxLagBytes = router.getMaxLagBytes();
		if (maxLagBytes != null && maxLagBytes.isNegative()) {
			problems.add(prefix + ".max-lag-bytes",
					"it is negative (" + maxLagBytes + ")", "Set a size such as 64MB, or remove it for no limit.");
		}
		positive(problems, prefix + ".timeouts.connect", router.getTimeouts().getConnect(), "for example 2s");
		positive(problems, prefix + ".timeouts.socket", router.getTimeouts().getSocket(), "for example 15s");
		notNegative(problems, prefix + ".timeouts.statement", router.getTimeouts().getStatement(),
				STATEMENT_TIMEOUT_FIX);
		for (int index = 0; index < router.getReplicas().size(); index++) {
			Duration statement = router.getReplicas().get(index).getTimeouts().getStatement();
			if (statement != null) {
				notNegative(problems, prefix + ".replicas[" + index + "].timeouts.statement", statement,
						STATEMENT_TIMEOUT_FIX);
			}
		}
		atLeast(problems, prefix + ".timeouts.borrow", router.getTimeouts().getBorrow(), Duration.ofMillis(250),
				"Hikari's smallest connection timeout");
		if (router.getRetry().getMaxAttempts() < 1) {
			problems.add(prefix + ".retry.max-attempts",
					"it is " + router.getRetry().getMaxAttempts() + " but must be at least 1",
					"Set 1 to run read-only transactions once, or more to re-run them when their replica fails.");
		}
		Integer fallbackMaxConcurrency = router.getFallbackMaxConcurrency();
		if (fallbackMaxConcurrency != null && fallbackMaxConcurrency < 1) {
			problems.add(prefix + ".fallback-max-concurrency", "it is " + fallbackMaxConcurrency
					+ " but must be at least 1", "Set how many fallback reads may run on the primary at once, "
							+ "or remove it for half the primary's pool.");
		}
		if (router.getPrimary().getReadWeight() < 0) {
			problems.add(prefix + ".primary.read-weight", "it is " + router.getPrimary().getReadWeight()
					+ " but must not be negative", "Set 0 to keep reads off the primary, or a weight such as 1 "
							+ "to give it as many reads as a replica of weight 1.");
		}
		notNegative(problems, prefix + ".primary.unavailable-wait", router.getPrimary().getUnavailableWait(),
				"Set 0 to fail writes at once while the primary is down, or a short wait such as 2s.");
		notNegative(problems, prefix + ".retry.writes.max-wait", router.getRetry().getWrites().getMaxWait(),
				"Set a short wait such as 5s.");
		positive(problems, ReplicaHealthProperties.PREFIX + ".probe-interval", health.getProbeInterval(), "for example 500ms");
		positive(problems, ReplicaHealthProperties.PREFIX + ".probe-timeout", health.getProbeTimeout(), "for example 1s");
		atLeast(problems, ReplicaHealthProperties.PREFIX + ".max-backoff", health.getMaxBackoff(), health.getProbeInterval(),
				ReplicaHealthProperties.PREFIX + ".probe-interval");
		if (health.getFailureThreshold() < 1) {
			problems.add(ReplicaHealthProperties.PREFIX + ".failure-threshold",
					"it is " + health.getFailureThreshold() + " but must be at least 1",
					"Set how many failed probes in a row take a node down, for example 3.");
		}
		if (health.getMinInRotation() < 0) {
			problems.add(ReplicaHealthProperties.PREFIX + ".min-in-rotation",
					"it is " + health.getMinInRotation() + " but must not be negative",
					"Set how many slow replicas stay in rotation, for example 1, or 0 for none.");
		}
		double threshold = health.getPoolUsageThreshold();
		if (!(threshold > 0 && threshold <= 1)) {
			problems.add(ReplicaHealthProperties.PREFIX + ".pool-usage-threshold",
					"it is " + threshold + " but must be more than 0 and at most 1",
					"Set a share of the pool, for example 0.9 for 90%.");
		}
		positive(problems, ReplicaHealthProperties.PREFIX + ".pool-saturation-period", health.getPoolSaturationPeriod(),
				"for example 10s");
	}

	private static void validate(ConsistencyProperties consistency, ConfigurationProblems problems) {
		String prefix = ConsistencyProperties.PREFIX;
		if (consistency.getMaxWait().isNegative()) {
			problems.add(prefix + ".max-wait",
					"it is " + consistency.getMaxWait() + " but must not be negative",
					"Set 0 to read from the primary at once when no replica has caught up, or a short wait such "
							+ "as 50ms.");
		}
		positive(problems, prefix + ".sticky-window", consistency.getStickyWindow(), "for example 2s");
		positive(problems, prefix + ".redis.command-timeout", consistency.getRedis().getCommandTimeout(),
				"for example 250ms");
	}

	private static void validate(PgBouncerProperties pgBouncer, ConfigurationProblems problems) {
		String prefix = PgBouncerProperties.PREFIX + ".admin";
		positive(problems, prefix + ".poll-interval", pgBouncer.getAdmin().getPollInterval(), "for example 5s");
		positive(problems, prefix + ".timeout", pgBouncer.getAdmin().getTimeout(), "for example 2s");
	}

	private static void validate(PatroniProperties patroni, PrimarySource primary, ConfigurationProblems problems) {
		String prefix = PatroniProperties.PREFIX;
		for (int index = 0; index < patroni.getUrls().size(); index++) {
			java.net.URI url = patroni.getUrls().get(index);
			String property = prefix + ".urls[" + index + "]";
			if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())
					|| url.getHost() == null) {
				problems.add(property, "it is '" + url.getScheme() + "://" + url.getHost() + "...', not an http(s) address",
						"Set the REST API address of a Patroni member, for example http://pg-1:8008.");
			}
			else if (url.getRawUserInfo() != null) {
				problems.add(property, "it carries a user name or password",
						"Remove them from the address and set " + prefix + ".username and " + prefix + ".password.");
			}
		}
		positive(problems, prefix + ".poll-interval", patroni.getPollInterval(), "for example 2s");
		positive(problems, prefix + ".timeout", patroni.getTimeout(), "for example 2s");
		if (patroni.getRetireTimeout().isNegative()) {
			problems.add(prefix + ".retire-timeout", "it is " + patroni.getRetireTimeout() + " but must not be negative",
					"Set how long work on a retired member may go on, for example 30s.");
		}
		if (primary.applicationBean() == null && primary.url() == null) {
			problems.add("spring.datasource.url", "it is not set, but " + prefix + ".urls is",
					"Set it to the URL of the cluster's database, for example jdbc:postgresql://pg-1:5432/app: "
							+ "each member's URL keeps its database and parameters, with the member's host and port.");
		}
	}

	private static void validatePrimary(PrimarySource primary, ConfigurationProblems problems) {
		String url = primary.url();
		if (url == null) {
			if (primary.applicationBean() == null) {
				problems.add("spring.datasource.url", "it is not set",
						"Set it to the primary's JDBC URL, for example jdbc:postgresql://primary:5432/app; "
								+ "replica-router sends writes there and reads to replica-router.replicas[*].");
			}
			// An application's own DataSource whose URL cannot be read: nothing to compare.
			return;
		}
		String property = primary.property();
		if (!JdbcUrls.isPostgresql(url)) {
			problems.add(property, "replica-router needs a PostgreSQL primary but the URL is '" + JdbcUrls.mask(url)
					+ "'", "Set it to the primary's URL, for example jdbc:postgresql://primary:5432/app, "
							+ "or set replica-router.enabled=false.");
		}
		else if (JdbcUrls.hasUserInfo(url)) {
			problems.add(property, userInfoProblem(url), (primary.applicationBean() == null)
					? "Remove them from the URL and set spring.datasource.username and spring.datasource.password."
					: "Remove them from the URL and give the DataSource its username and password.");
		}
	}

	private static Set<String> validateReplicas(ReplicaRouterProperties properties, PrimarySource primary,
			ConfigurationProblems problems) {
		String primaryUrl = primary.url();
		Set<String> names = new HashSet<>();
		for (int index = 0; index < properties.getReplicas().size(); index++) {
			Replica replica = properties.getReplicas().get(index);
			String property = ReplicaRouterProperties.PREFIX + ".replicas[" + index + "]";
			String url = replica.getUrl();
			if (!StringUtils.hasText(url)) {
				problems.add(property + ".url", "it is not set",
						"Set it to the replica's JDBC URL, for example jdbc:postgresql://replica-1:5432/app, "
								+ "or remove the replica.");
			}
			else if (!JdbcUrls.isPostgresql(url)) {
				problems.add(property + ".url", "'" + JdbcUrls.mask(url) + "' is not a PostgreSQL JDBC URL",
						"Use a URL that starts with jdbc:postgresql://, for example "
								+ "jdbc:postgresql://replica-1:5432/app.");
			}
			else if (JdbcUrls.hasUserInfo(url)) {
				problems.add(property + ".url", userInfoProblem(url),
						"Remove them from the URL and set " + property + ".username and " + property
								+ ".password, or leave both unset to use the primary's.");
			}
			else if (JdbcUrls.malformation(url) != null) {
				problems.add(property + ".url",
						"'" + JdbcUrls.mask(url) + "' is malformed: " + JdbcUrls.malformation(url),
						"Use the form jdbc:postgresql://host:port/database, for example "
								+ "jdbc:postgresql://replica-1:5432/app.");
			}
			else if (primaryUrl != null && sameEndpoint(url, primaryUrl)) {
				problems.add(property + ".url",
						"it names the same server and database as " + primary.property() + ", so reads would not be "
								+ "offloaded and a read-only transaction would run on the primary as if on a replica",
						"Point it at a streaming replica of the primary.");
			}
			String name = ReplicaRouterProperties.replicaName(replica, index);
			if (!VALID_NAME.matcher(name).matches()) {
				problems.add(property + ".name",
						"'" + name + "' contains characters other than letters, digits, '.', '_' and '-'",
						"Use a short name such as 'eu-1'.");
			}
			if (!names.add(name)) {
				problems.add(property + ".name", "another replica is already named '" + name + "'",
						"Give every replica a unique name; a replica without one is named after its 1-based "
								+ "position in the list.");
			}
			if (replica.getWeight() < 1) {
				problems.add(property + ".weight", "it is " + replica.getWeight() + " but must be at least 1",
						"Set a positive weight, or remove the replica to stop sending it reads.");
			}
			try {
				NodePoolFactory.bindOverrides(property + ".hikari", replica.getHikari(), new HikariConfig());
			}
			catch (BindException ex) {
				problems.add(property + ".hikari", "it holds a setting Hikari does not accept (" + rootMessage(ex) + ")",
						"Use the keys of spring.datasource.hikari.*, for example maximum-pool-size or "
								+ "connection-timeout.");
			}
		}
		return names;
	}

	/**
	 * Replicas of {@link ReplicaConnectionDetails} beans: the checks of a configured
	 * replica's URL and name, reported under the bean's name.
	 */
	private static void validateServiceReplicas(List<ServiceReplica> services, PrimarySource primary,
			Set<String> names, ConfigurationProblems problems) {
		String primaryUrl = primary.url();
		for (ServiceReplica replica : services) {
			String property = replica.description();
			String url = replica.details().getJdbcUrl();
			if (!StringUtils.hasText(url)) {
				problems.add(property, "its JDBC URL is empty", "Give it the replica's JDBC URL.");
			}
			else if (!JdbcUrls.isPostgresql(url)) {
				problems.add(property, "'" + JdbcUrls.mask(url) + "' is not a PostgreSQL JDBC URL",
						"Declare a PostgreSQL streaming replica as a service connection named '"
								+ ReplicaConnectionDetails.CONNECTION_NAME + "'.");
			}
			else if (JdbcUrls.hasUserInfo(url)) {
				problems.add(property, userInfoProblem(url), "Give the credentials as its username and password.");
			}
			else if (primaryUrl != null && sameEndpoint(url, primaryUrl)) {
				problems.add(property,
						"it names the same server and database as " + primary.property() + ", so reads would not be "
								+ "offloaded and a read-only transaction would run on the primary as if on a replica",
						"Point it at a streaming replica of the primary.");
			}
			String name = replica.name();
			if (!VALID_NAME.matcher(name).matches()) {
				problems.add(property, "its name '" + name
						+ "' contains characters other than letters, digits, '.', '_' and '-'",
						"Use a short name such as 'replica-1'.");
			}
			if (!names.add(name)) {
				problems.add(property, "another replica is already named '" + name + "'",
						"Give every replica a unique name; a replica without one is named after its 1-based "
								+ "position among all replicas, configured ones first.");
			}
		}
	}

	private static String userInfoProblem(String url) {
		return "'" + JdbcUrls.mask(url) + "' carries credentials before the host (user:password@host), which the "
				+ "PostgreSQL driver does not read: it would take them for part of the host name";
	}

	/**
	 * Whether two URLs name the same hosts, ports and database, whatever their parameters
	 * and letter case. Other spellings of the primary (an IP address for a host name) are
	 * found by the health monitor, which compares the servers themselves.
	 */
	private static boolean sameEndpoint(String url, String primaryUrl) {
		return endpoint(url).equals(endpoint(primaryUrl));
	}

	private static String endpoint(String url) {
		String lower = url.trim().toLowerCase(Locale.ROOT);
		int query = lower.indexOf('?');
		String withoutQuery = (query >= 0) ? lower.substring(0, query) : lower;
		// The driver's default port, written or not, is the same endpoint.
		return withoutQuery.replaceAll(":5432(?=[/,]|$)", "").replaceAll("/+$", "");
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return String.valueOf(root.getMessage());
	}

	/**
	 * Check the cache layer's settings.
	 * @param cache the settings
	 */
	public static void validate(ReplicaRouterCacheProperties cache) {
		ConfigurationProblems problems = new ConfigurationProblems();
		String prefix = ReplicaRouterCacheProperties.PREFIX;
		if (cache.getDefaultTtl() != null) {
			positive(problems, prefix + ".default-ttl", cache.getDefaultTtl(), "for example 10m");
		}
		cache.getCaches().forEach((name, spec) -> {
			if (spec.getTtl() != null) {
				positive(problems, prefix + ".caches." + name + ".ttl", spec.getTtl(), "for example 1m");
			}
		});
		positive(problems, prefix + ".command-timeout", cache.getCommandTimeout(), "for example 250ms");
		positive(problems, prefix + ".circuit-breaker.open-duration", cache.getCircuitBreaker().getOpenDuration(),
				"for example 5s");
		if (cache.getCircuitBreaker().getFailureThreshold() < 1) {
			problems.add(prefix + ".circuit-breaker.failure-threshold",
					"it is " + cache.getCircuitBreaker().getFailureThreshold() + " but must be at least 1",
					"Set how many Redis failures in a row open the circuit, for example 3.");
		}
		problems.throwIfAny();
	}

	private static void positive(ConfigurationProblems problems, String property, Duration value, String example) {
		if (value.isNegative() || value.isZero()) {
			problems.add(property,
					"it is " + value + " but must be longer than zero", "Set a positive duration, " + example + ".");
		}
	}

	private static void notNegative(ConfigurationProblems problems, String property, Duration value, String action) {
		if (value.isNegative()) {
			problems.add(property, "it is " + value + " but must not be negative", action);
		}
	}

	private static void atLeast(ConfigurationProblems problems, String property, Duration value, Duration minimum, String what) {
		if (value.compareTo(minimum) < 0) {
			problems.add(property,
					"it is " + value + " but must be at least " + minimum + " (" + what + ")",
					"Set it to " + minimum.toMillis() + "ms or more.");
		}
	}

}
