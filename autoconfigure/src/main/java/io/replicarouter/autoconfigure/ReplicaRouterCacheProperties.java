package io.replicarouter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The Redis cache layer in front of the database. Redis itself is configured with Boot's
 * {@code spring.data.redis.*} (standalone, Sentinel or Cluster).
 */
@ConfigurationProperties(ReplicaRouterCacheProperties.PREFIX)
public class ReplicaRouterCacheProperties {

	/**
	 * The prefix of the cache properties.
	 */
	public static final String PREFIX = ReplicaRouterProperties.PREFIX + ".cache";

	/**
	 * Whether replica-router configures Boot's Redis cache manager (JSON values, TTLs,
	 * fail-open, after-commit eviction, no stale refill). Not set: only when replica-router
	 * routes the application's DataSource; 'true' opts in without the router.
	 */
	private boolean enabled = true;

	/**
	 * Time to live of cache entries. Not set: 'spring.cache.redis.time-to-live', or 10
	 * minutes when that is not set either.
	 */
	private @Nullable Duration defaultTtl;

	/**
	 * Settings of individual caches, by cache name.
	 */
	private Map<String, CacheSpec> caches = new LinkedHashMap<>();

	/**
	 * Prefix of every cache key. Not set: Boot's ('spring.cache.redis.key-prefix', or the
	 * cache name followed by '::').
	 */
	private @Nullable String keyPrefix;

	/**
	 * Whether to cache null results.
	 */
	private boolean cacheNulls = false;

	/**
	 * Longest wait for a Redis command on the cache's own connection (the application's
	 * other Redis users keep 'spring.data.redis.timeout'). Short, so a slow Redis costs
	 * little before the circuit opens.
	 */
	private Duration commandTimeout = Duration.ofMillis(250);

	/**
	 * Packages whose types may be read back from cached JSON, besides the application's own
	 * packages and java.lang, java.util, java.time and java.math.
	 */
	private List<String> trustedPackages = new ArrayList<>();

	/**
	 * Whether a value read from a replica that has not replayed the write that evicted its
	 * key is kept out of the cache.
	 */
	private boolean guardRefills = true;

	/**
	 * The circuit breaker in front of Redis.
	 */
	private final Breaker circuitBreaker = new Breaker();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Duration getDefaultTtl() {
		return this.defaultTtl;
	}

	public void setDefaultTtl(@Nullable Duration defaultTtl) {
		this.defaultTtl = defaultTtl;
	}

	public Map<String, CacheSpec> getCaches() {
		return this.caches;
	}

	public void setCaches(Map<String, CacheSpec> caches) {
		this.caches = caches;
	}

	public @Nullable String getKeyPrefix() {
		return this.keyPrefix;
	}

	public void setKeyPrefix(@Nullable String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	public boolean isCacheNulls() {
		return this.cacheNulls;
	}

	public void setCacheNulls(boolean cacheNulls) {
		this.cacheNulls = cacheNulls;
	}

	public Duration getCommandTimeout() {
		return this.commandTimeout;
	}

	public void setCommandTimeout(Duration commandTimeout) {
		this.commandTimeout = commandTimeout;
	}

	public List<String> getTrustedPackages() {
		return this.trustedPackages;
	}

	public void setTrustedPackages(List<String> trustedPackages) {
		this.trustedPackages = trustedPackages;
	}

	public boolean isGuardRefills() {
		return this.guardRefills;
	}

	public void setGuardRefills(boolean guardRefills) {
		this.guardRefills = guardRefills;
	}

	public Breaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Settings of one cache.
	 */
	public static class CacheSpec {

		/**
		 * Time to live of this cache's entries.
		 */
		private @Nullable Duration ttl;

		public @Nullable Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(@Nullable Duration ttl) {
			this.ttl = ttl;
		}

	}

	/**
	 * The circuit breaker in front of Redis.
	 */
	public static class Breaker {

		/**
		 * Failed Redis calls in a row that open the circuit.
		 */
		private int failureThreshold = 3;

		/**
		 * How long the circuit stays open before one call tries Redis again.
		 */
		private Duration openDuration = Duration.ofSeconds(5);

		public int getFailureThreshold() {
			return this.failureThreshold;
		}

		public void setFailureThreshold(int failureThreshold) {
			this.failureThreshold = failureThreshold;
		}

		public Duration getOpenDuration() {
			return this.openDuration;
		}

		public void setOpenDuration(Duration openDuration) {
			this.openDuration = openDuration;
		}

	}

}
