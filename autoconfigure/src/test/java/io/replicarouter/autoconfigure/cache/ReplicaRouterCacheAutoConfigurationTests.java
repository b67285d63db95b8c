package io.replicarouter.autoconfigure.cache;

import java.time.Duration;

import io.replicarouter.autoconfigure.InvalidReplicaRouterConfigurationException;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.cache.FailOpenRedisCacheWriter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.cache.RedisCache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaRouterCacheAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				ReplicaRouterCacheAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class)
		.withPropertyValues("spring.cache.type=redis", "spring.data.redis.port=1");

	@Test
	void customizesBootsRedisCacheManager() {
		this.runner
			.withPropertyValues("replica-router.cache.default-ttl=7m", "replica-router.cache.caches.products.ttl=30s",
					"replica-router.cache.key-prefix=app:")
			.run((context) -> {
				RedisCacheManager manager = context.getBean(RedisCacheManager.class);
				assertThat(ReflectionTestUtils.getField(manager, "cacheWriter")).isInstanceOf(FailOpenRedisCacheWriter.class);
				assertThat(manager.getCache("products")).isInstanceOf(TransactionAwareCacheDecorator.class);
				RedisCache products = (RedisCache) ((TransactionAwareCacheDecorator) manager.getCache("products"))
					.getTargetCache();
				RedisCacheConfiguration configuration = products.getCacheConfiguration();
				assertThat(configuration.getTtlFunction().getTimeToLive("k", "v")).isEqualTo(Duration.ofSeconds(30));
				assertThat(configuration.getAllowCacheNullValues()).isFalse();
				assertThat(configuration.getKeyPrefixFor("products")).isEqualTo("app:products::");
				assertThat(configuration.getValueSerializationPair().getReader()).isNotNull();
				RedisCache other = (RedisCache) ((TransactionAwareCacheDecorator) manager.getCache("other"))
					.getTargetCache();
				assertThat(other.getCacheConfiguration().getTtlFunction().getTimeToLive("k", "v"))
					.isEqualTo(Duration.ofMinutes(7));
				assertThat(context).hasSingleBean(CircuitBreaker.class);
			});
	}

	@Test
	void entriesExpireAfterTenMinutesWhenNoTimeToLiveIsSet() {
		this.runner.run((context) -> {
			RedisCache cache = (RedisCache) ((TransactionAwareCacheDecorator) context.getBean(RedisCacheManager.class)
				.getCache("any")).getTargetCache();
			assertThat(cache.getCacheConfiguration().getTtlFunction().getTimeToLive("k", "v"))
				.isEqualTo(Duration.ofMinutes(10));
		});
		this.runner.withPropertyValues("spring.cache.redis.time-to-live=3m").run((context) -> {
			RedisCache cache = (RedisCache) ((TransactionAwareCacheDecorator) context.getBean(RedisCacheManager.class)
				.getCache("any")).getTargetCache();
			assertThat(cache.getCacheConfiguration().getTtlFunction().getTimeToLive("k", "v"))
				.isEqualTo(Duration.ofMinutes(3));
		});
	}

	@Test
	void backsOffWithTheApplicationsOwnCacheManager() {
		this.runner.withUserConfiguration(OwnCacheManager.class).run((context) -> {
			assertThat(context).hasSingleBean(CacheManager.class);
			assertThat(context.getBean(CacheManager.class)).isInstanceOf(ConcurrentMapCacheManager.class);
		});
	}

	@Test
	void backsOffWhenDisabledOrWithoutJackson() {
		this.runner.withPropertyValues("replica-router.cache.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(CircuitBreaker.class));
		this.runner.withClassLoader(new FilteredClassLoader(GenericJacksonJsonRedisSerializer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(CircuitBreaker.class));
	}

	@Test
	void badSettingsFailNamingTheProperty() {
		this.runner.withPropertyValues("replica-router.cache.circuit-breaker.failure-threshold=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidReplicaRouterConfigurationException.class)
				.hasMessageContaining("replica-router.cache.circuit-breaker.failure-threshold");
		});
		this.runner.withPropertyValues("replica-router.cache.caches.products.ttl=0s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("replica-router.cache.caches.products.ttl");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManager {

		@Bean
		CacheManager cacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

}
