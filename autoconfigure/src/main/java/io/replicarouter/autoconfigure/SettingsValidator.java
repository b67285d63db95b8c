package io.replicarouter.autoconfigure;

import java.time.Duration;

import org.springframework.util.unit.DataSize;

/**
 * Checks the durations and limits of replica-router's configuration at startup, so that a
 * value that cannot work stops the application with a message naming the property.
 */
public final class SettingsValidator {

	private SettingsValidator() {
	}

	static void validate(ReplicaRouterProperties router, ReplicaHealthProperties health) {
		ConfigurationProblems problems = new ConfigurationProblems();
		validate(router, health, problems);
		problems.throwIfAny();
	}

	static void validate(ReplicaRouterProperties router, ReplicaHealthProperties health,
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
		notNegative(problems, prefix + ".timeouts.statement", router.getTimeouts().getStatement());
		for (int index = 0; index < router.getReplicas().size(); index++) {
			Duration statement = router.getReplicas().get(index).getTimeouts().getStatement();
			if (statement != null) {
				notNegative(problems, prefix + ".replicas[" + index + "].timeouts.statement", statement);
			}
		}
		atLeast(problems, prefix + ".timeouts.borrow", router.getTimeouts().getBorrow(), Duration.ofMillis(250),
				"Hikari's smallest connection timeout");
		if (router.getRetry().getMaxAttempts() < 1) {
			problems.add(prefix + ".retry.max-attempts",
					"it is " + router.getRetry().getMaxAttempts() + " but must be at least 1",
					"Set 1 to run read-only transactions once, or more to re-run them when their replica fails.");
		}
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

	static void validate(ConsistencyProperties consistency) {
		ConfigurationProblems problems = new ConfigurationProblems();
		String prefix = ConsistencyProperties.PREFIX;
		if (consistency.getMaxWait().isNegative()) {
			problems.add(prefix + ".max-wait",
					"it is " + consistency.getMaxWait() + " but must not be negative",
					"Set 0 to read from the primary at once when no replica has caught up, or a short wait such "
							+ "as 50ms.");
		}
		positive(problems, prefix + ".sticky-window", consistency.getStickyWindow(), "for example 2s");
		problems.throwIfAny();
	}

	static void validate(PgBouncerProperties pgBouncer) {
		ConfigurationProblems problems = new ConfigurationProblems();
		String prefix = PgBouncerProperties.PREFIX + ".admin";
		positive(problems, prefix + ".poll-interval", pgBouncer.getAdmin().getPollInterval(), "for example 5s");
		positive(problems, prefix + ".timeout", pgBouncer.getAdmin().getTimeout(), "for example 2s");
		problems.throwIfAny();
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

	private static void notNegative(ConfigurationProblems problems, String property, Duration value) {
		if (value.isNegative()) {
			problems.add(property, "it is " + value + " but must not be negative",
					"Set a duration such as 10s, or 0 for no statement timeout.");
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
