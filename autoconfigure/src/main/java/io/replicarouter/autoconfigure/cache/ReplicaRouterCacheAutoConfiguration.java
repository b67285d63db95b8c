package io.replicarouter.autoconfigure.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.autoconfigure.ReplicaRouterCacheProperties;
import io.replicarouter.autoconfigure.SettingsValidator;
import io.replicarouter.cache.CacheStatistics;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.cache.FailOpenRedisCacheWriter;
import io.replicarouter.consistency.ScopedConsistencyGuard;
import io.replicarouter.routing.ConsistencyGuard;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * Makes Boot's own {@link RedisCacheManager} a safe cache in front of the database: JSON
 * values, TTLs, fail-open behind a circuit breaker, evictions after commit, and no refill
 * from replicas behind the evicting write. Contributes a
 * {@link RedisCacheManagerBuilderCustomizer}, so it backs off with Boot's cache manager when
 * the application defines its own {@code CacheManager}; {@code spring.data.redis.*} stays
 * the connection configuration.
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({ RedisCacheManager.class, RedisCacheManagerBuilderCustomizer.class,
		GenericJacksonJsonRedisSerializer.class, ObjectMapper.class })
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "replica-router.cache.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ReplicaRouterCacheProperties.class)
public final class ReplicaRouterCacheAutoConfiguration {

	private static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

	@Bean
	@ConditionalOnMissingBean
	CacheStatistics replicaRouterCacheStatistics() {
		return new CacheStatistics();
	}

	@Bean
	@ConditionalOnMissingBean
	CircuitBreaker replicaRouterCacheCircuitBreaker(ReplicaRouterCacheProperties properties) {
		SettingsValidator.validate(properties);
		ReplicaRouterCacheProperties.Breaker breaker = properties.getCircuitBreaker();
		return new CircuitBreaker(breaker.getFailureThreshold(), breaker.getOpenDuration());
	}

	@Bean
	@ConditionalOnMissingBean(name = "replicaRouterRedisCacheManagerBuilderCustomizer")
	RedisCacheManagerBuilderCustomizer replicaRouterRedisCacheManagerBuilderCustomizer(
			ReplicaRouterCacheProperties properties, CacheStatistics statistics, CircuitBreaker breaker,
			RedisConnectionFactory connectionFactory, ObjectProvider<ConsistencyGuard> consistency,
			BeanFactory beanFactory) {
		GenericJacksonJsonRedisSerializer serializer = jsonSerializer(properties, beanFactory);
		Duration markerTtl = properties.isGuardRefills() ? markerTtl(consistency.getIfAvailable()) : null;
		return (builder) -> {
			RedisCacheConfiguration defaults = builder.cacheDefaults();
			Duration ttl = properties.getDefaultTtl();
			if (ttl == null) {
				Duration configured = defaults.getTtlFunction().getTimeToLive(Object.class, null);
				ttl = (configured.isZero() || configured.isNegative()) ? DEFAULT_TTL : configured;
			}
			defaults = defaults.entryTtl(ttl).serializeValuesWith(SerializationPair.fromSerializer(serializer));
			if (properties.getKeyPrefix() != null) {
				defaults = defaults.prefixCacheNameWith(properties.getKeyPrefix());
			}
			if (!properties.isCacheNulls()) {
				defaults = defaults.disableCachingNullValues();
			}
			RedisCacheConfiguration base = defaults;
			builder.cacheDefaults(base);
			properties.getCaches().forEach((name, spec) -> {
				if (spec.getTtl() != null) {
					builder.withCacheConfiguration(name, base.entryTtl(spec.getTtl()));
				}
			});
			builder.transactionAware();
			builder.cacheWriter(new FailOpenRedisCacheWriter(
					RedisCacheWriter.nonLockingRedisCacheWriter(connectionFactory), breaker, statistics,
					(name) -> base.usePrefix() ? base.getKeyPrefixFor(name) : null, markerTtl));
		};
	}

	private static GenericJacksonJsonRedisSerializer jsonSerializer(ReplicaRouterCacheProperties properties,
			BeanFactory beanFactory) {
		// Type information is needed to read values back as their classes; only trusted
		// packages may be named in it.
		List<String> packages = new ArrayList<>(List.of("java.lang", "java.util", "java.time", "java.math"));
		if (AutoConfigurationPackages.has(beanFactory)) {
			packages.addAll(AutoConfigurationPackages.get(beanFactory));
		}
		packages.addAll(properties.getTrustedPackages());
		BasicPolymorphicTypeValidator.Builder validator = BasicPolymorphicTypeValidator.builder();
		for (String name : packages) {
			validator.allowIfSubType(name + ".");
		}
		validator.allowIfSubTypeIsArray();
		return GenericJacksonJsonRedisSerializer.builder()
			.enableDefaultTyping(validator.build())
			.enableSpringCacheNullValueSupport()
			.build();
	}

	private static Duration markerTtl(ConsistencyGuard consistency) {
		// As long as a read-your-writes token: by then every replica in rotation replayed it.
		return (consistency instanceof ScopedConsistencyGuard scoped) ? scoped.tokenLifetime() : Duration.ofSeconds(10);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.lettuce.core.RedisClient")
	static class LettuceTimeoutConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "replicaRouterLettuceCommandTimeout")
		LettuceClientConfigurationBuilderCustomizer replicaRouterLettuceCommandTimeout(
				ReplicaRouterCacheProperties properties, Environment environment) {
			return (builder) -> {
				if (!environment.containsProperty("spring.data.redis.timeout")) {
					builder.commandTimeout(properties.getCommandTimeout());
				}
			};
		}

	}

}
