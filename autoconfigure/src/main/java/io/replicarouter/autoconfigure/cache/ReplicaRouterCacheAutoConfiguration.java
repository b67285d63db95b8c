package io.replicarouter.autoconfigure.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.autoconfigure.ReplicaRouterCacheProperties;
import io.replicarouter.autoconfigure.SettingsValidator;
import io.replicarouter.cache.BoundedRedisConnection;
import io.replicarouter.cache.CacheCounters;
import io.replicarouter.cache.CacheValueSerializer;
import io.replicarouter.cache.CachedInvocationAdvisor;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.cache.FailOpenRedisCacheWriter;
import io.replicarouter.cache.RoutingAwareCacheManagers;
import io.replicarouter.consistency.ScopedConsistencyGuard;
import io.replicarouter.routing.ConsistencyGuard;
import io.replicarouter.routing.DatabaseNodes;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.SmartInstantiationAwareBeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.cache.autoconfigure.RedisCacheManagerBuilderCustomizer;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Role;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * Makes Boot's own {@link RedisCacheManager} a safe cache in front of a routed database:
 * JSON values, TTLs, fail-open behind a circuit breaker on a connection of its own with a
 * short timeout, writes after commit, no refill from replicas behind the evicting write,
 * and unreadable entries treated as misses. Active when replica-router routes the
 * application's DataSource, or when {@code replica-router.cache.enabled=true} says so: an
 * application without the router keeps Boot's plain Redis cache. Contributes a
 * {@link RedisCacheManagerBuilderCustomizer}, so it backs off with Boot's cache manager
 * when the application defines its own {@code CacheManager}.
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass({ RedisCacheManager.class, RedisCacheManagerBuilderCustomizer.class,
		GenericJacksonJsonRedisSerializer.class, ObjectMapper.class })
@ConditionalOnBean(RedisConnectionFactory.class)
@Conditional(ReplicaRouterCacheAutoConfiguration.RouterOnOrOptedIn.class)
@EnableConfigurationProperties(ReplicaRouterCacheProperties.class)
public final class ReplicaRouterCacheAutoConfiguration {

	private static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

	@Bean
	@ConditionalOnMissingBean
	CacheCounters replicaRouterCacheCounters() {
		return new CacheCounters();
	}

	@Bean
	@ConditionalOnMissingBean
	CircuitBreaker replicaRouterCacheCircuitBreaker(ReplicaRouterCacheProperties properties) {
		SettingsValidator.validate(properties);
		ReplicaRouterCacheProperties.Breaker breaker = properties.getCircuitBreaker();
		return new CircuitBreaker("cache", breaker.getFailureThreshold(), breaker.getOpenDuration());
	}

	@Bean
	@ConditionalOnMissingBean(name = "replicaRouterCacheConnection")
	BoundedRedisConnection replicaRouterCacheConnection(RedisConnectionFactory connectionFactory,
			ReplicaRouterCacheProperties properties) {
		SettingsValidator.validate(properties);
		return new BoundedRedisConnection(connectionFactory, properties.getCommandTimeout());
	}

	@Bean
	@ConditionalOnMissingBean(name = "replicaRouterRedisCacheManagerBuilderCustomizer")
	RedisCacheManagerBuilderCustomizer replicaRouterRedisCacheManagerBuilderCustomizer(
			ReplicaRouterCacheProperties properties, CacheCounters counters, CircuitBreaker breaker,
			@Qualifier("replicaRouterCacheConnection") BoundedRedisConnection connection,
			ObjectProvider<ConsistencyGuard> consistency,
			BeanFactory beanFactory) {
		CacheValueSerializer serializer = CacheValueSerializer.trusting(trustedPackages(properties, beanFactory));
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
			// Not transactionAware(): RoutingAwareCache defers writes to after commit itself,
			// after capturing what each put was read from.
			builder.cacheWriter(new FailOpenRedisCacheWriter(
					RedisCacheWriter.nonLockingRedisCacheWriter(connection.connectionFactory()), breaker, counters,
					(name) -> base.usePrefix() ? base.getKeyPrefixFor(name) : null, markerTtl));
		};
	}

	/**
	 * Serves Boot's Redis cache manager's caches as {@code RoutingAwareCache}s. Its bean
	 * type is the proxy's class, so that AOT processing generates that class at build time.
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static BeanPostProcessor replicaRouterCacheManagerDecorator(ObjectProvider<CacheCounters> counters) {
		return new SmartInstantiationAwareBeanPostProcessor() {
			@Override
			public Class<?> determineBeanType(Class<?> beanClass, String beanName) {
				if (beanClass == RedisCacheManager.class && beanName.equals("cacheManager")) {
					return RoutingAwareCacheManagers.proxyClass(RedisCacheManager.class, beanClass.getClassLoader());
				}
				return beanClass;
			}

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
				if (bean instanceof RedisCacheManager manager && beanName.equals("cacheManager")
						&& manager.getClass() == RedisCacheManager.class) {
					return RoutingAwareCacheManagers.decorate(manager, counters.getObject());
				}
				return bean;
			}
		};
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean
	static CachedInvocationAdvisor replicaRouterCachedInvocationAdvisor() {
		return new CachedInvocationAdvisor();
	}

	private static List<String> trustedPackages(ReplicaRouterCacheProperties properties, BeanFactory beanFactory) {
		// The application's own packages: what it caches is mostly its own types.
		List<String> packages = new ArrayList<>();
		if (AutoConfigurationPackages.has(beanFactory)) {
			packages.addAll(AutoConfigurationPackages.get(beanFactory));
		}
		packages.addAll(properties.getTrustedPackages());
		return packages;
	}

	private static Duration markerTtl(ConsistencyGuard consistency) {
		// As long as a read-your-writes token: by then every replica in rotation replayed it.
		return (consistency instanceof ScopedConsistencyGuard scoped) ? scoped.tokenLifetime() : Duration.ofSeconds(10);
	}

	/**
	 * The router routes the application's DataSource (and the cache layer is not turned
	 * off), or the application asked for the cache layer without it.
	 */
	static final class RouterOnOrOptedIn extends AnyNestedCondition {

		RouterOnOrOptedIn() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(DatabaseNodes.class)
		@ConditionalOnBooleanProperty(name = "replica-router.cache.enabled", matchIfMissing = true)
		static final class RouterOn {

		}

		@ConditionalOnBooleanProperty(name = "replica-router.cache.enabled")
		static final class OptedIn {

		}

	}

}
