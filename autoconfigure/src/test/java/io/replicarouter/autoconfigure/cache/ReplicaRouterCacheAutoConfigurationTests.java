package io.replicarouter.autoconfigure.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import io.replicarouter.autoconfigure.InvalidReplicaRouterConfigurationException;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.cache.FailOpenRedisCacheWriter;
import io.replicarouter.cache.RoutingAwareCache;
import io.replicarouter.routing.DatabaseNodes;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.redis.cache.RedisCache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaRouterCacheAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
				ReplicaRouterCacheAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class, RouterOn.class)
		.withPropertyValues("spring.cache.type=redis", "spring.data.redis.port=1");

	private final ApplicationContextRunner plainBoot = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, CacheAutoConfiguration.class))
		.withUserConfiguration(CachingConfiguration.class)
		.withPropertyValues("spring.cache.type=redis", "spring.data.redis.port=1");

	private static final String SAMPLE = "a cached value";

	@Test
	void customizesBootsRedisCacheManager() {
		this.runner
			.withPropertyValues("replica-router.cache.default-ttl=7m", "replica-router.cache.caches.products.ttl=30s",
					"replica-router.cache.key-prefix=app:")
			.run((context) -> {
				RedisCacheManager manager = context.getBean(RedisCacheManager.class);
				assertThat(ReflectionTestUtils.getField(manager, "cacheWriter")).isInstanceOf(FailOpenRedisCacheWriter.class);
				assertThat(manager.getCache("products")).isInstanceOf(RoutingAwareCache.class);
				assertThat(manager.isTransactionAware()).as("RoutingAwareCache defers writes itself").isFalse();
				RedisCache products = (RedisCache) ((RoutingAwareCache) manager.getCache("products")).getTargetCache();
				RedisCacheConfiguration configuration = products.getCacheConfiguration();
				assertThat(configuration.getTtlFunction().getTimeToLive("k", "v")).isEqualTo(Duration.ofSeconds(30));
				assertThat(configuration.getAllowCacheNullValues()).isFalse();
				assertThat(configuration.getKeyPrefixFor("products")).isEqualTo("app:products::");
				Page<String> page = new PageImpl<>(List.of("a", "b"), PageRequest.of(1, 2), 9);
				assertThat(configuration.getValueSerializationPair()
					.read(configuration.getValueSerializationPair().write(page))).as("a page reads back").isEqualTo(page);
				RedisCache other = (RedisCache) ((RoutingAwareCache) manager.getCache("other")).getTargetCache();
				assertThat(other.getCacheConfiguration().getTtlFunction().getTimeToLive("k", "v"))
					.isEqualTo(Duration.ofMinutes(7));
				assertThat(context).hasSingleBean(CircuitBreaker.class);
			});
	}

	@Test
	void entriesExpireAfterTenMinutesWhenNoTimeToLiveIsSet() {
		this.runner.run((context) -> {
			RedisCache cache = (RedisCache) ((RoutingAwareCache) context.getBean(RedisCacheManager.class)
				.getCache("any")).getTargetCache();
			assertThat(cache.getCacheConfiguration().getTtlFunction().getTimeToLive("k", "v"))
				.isEqualTo(Duration.ofMinutes(10));
		});
		this.runner.withPropertyValues("spring.cache.redis.time-to-live=3m").run((context) -> {
			RedisCache cache = (RedisCache) ((RoutingAwareCache) context.getBean(RedisCacheManager.class)
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

	@Test
	void withoutTheRouterBootsRedisCacheIsLeftExactlyAsBootMakesIt() {
		ApplicationContextRunner routerOff = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					ReplicaRouterCacheAutoConfiguration.class, CacheAutoConfiguration.class))
			.withUserConfiguration(CachingConfiguration.class)
			.withPropertyValues("spring.cache.type=redis", "spring.data.redis.port=1");
		this.plainBoot.run((boot) -> {
			// No replicas, 'replica-router.enabled=false' or a user DataSource: no DatabaseNodes.
			for (ApplicationContextRunner runner : List.of(routerOff,
					routerOff.withUserConfiguration(RouterOn.class).withPropertyValues("replica-router.cache.enabled=false"))) {
				runner.run((context) -> {
					// The same beans, but for the DatabaseNodes standing for "router on" in one case.
					assertThat(context.getBeanDefinitionNames())
						.filteredOn((name) -> !name.equals("replicaRouterNodes") && !name.endsWith(".RouterOn"))
						.containsExactlyInAnyOrder(boot.getBeanDefinitionNames());
					assertThat(context).doesNotHaveBean(CircuitBreaker.class);
					assertCacheIsPlainBoots(context, boot);
				});
			}
		});
	}

	@Test
	void withReplicaRouterDisabledAnAppWithReplicasConfiguredKeepsBootsPlainRedisCache() {
		ApplicationContextRunner plainBootWithDataSource = this.plainBoot
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app", "replica-router.enabled=false");
		plainBootWithDataSource.run((boot) -> plainBootWithDataSource
			.withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
					ReplicaRouterCacheAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(DatabaseNodes.class).doesNotHaveBean(CircuitBreaker.class);
				assertThat(context.getBeanDefinitionNames()).containsExactlyInAnyOrder(boot.getBeanDefinitionNames());
				assertCacheIsPlainBoots(context, boot);
			}));
	}

	@Test
	void theFormatCheckTellsTheRoutersJsonFromBootsFormat() {
		this.plainBoot.run((boot) -> this.runner.run((context) -> {
			RedisCacheConfiguration routed = ((RedisCache) ((RoutingAwareCache) context.getBean(RedisCacheManager.class)
				.getCache("any")).getTargetCache()).getCacheConfiguration();
			RedisCacheConfiguration plain = ((RedisCache) boot.getBean(RedisCacheManager.class).getCache("any"))
				.getCacheConfiguration();
			assertThat(valueBytes(plain, SAMPLE)).startsWith((byte) 0xAC, (byte) 0xED);
			assertThat(new String(valueBytes(routed, SAMPLE), StandardCharsets.UTF_8)).isEqualTo("\"" + SAMPLE + "\"");
			assertThat(valueBytes(routed, SAMPLE)).isNotEqualTo(valueBytes(plain, SAMPLE));
		}));
	}

	/**
	 * The application's cache as plain Boot makes it: manager, writer, value format (the
	 * bytes of a sample value), TTL, nulls, key prefix, transactions, and the command
	 * timeout of the application's Redis connection.
	 */
	private static void assertCacheIsPlainBoots(AssertableApplicationContext context, AssertableApplicationContext boot) {
		RedisCacheManager manager = context.getBean(RedisCacheManager.class);
		RedisCacheManager bootManager = boot.getBean(RedisCacheManager.class);
		assertThat(manager.getClass()).isEqualTo(RedisCacheManager.class);
		assertThat(manager.isTransactionAware()).isEqualTo(bootManager.isTransactionAware());
		assertThat(manager.getCache("any")).isInstanceOf(RedisCache.class);
		RedisCache cache = (RedisCache) manager.getCache("any");
		RedisCache bootCache = (RedisCache) bootManager.getCache("any");
		assertThat(cache.getNativeCache().getClass()).isEqualTo(bootCache.getNativeCache().getClass());
		RedisCacheConfiguration configuration = cache.getCacheConfiguration();
		RedisCacheConfiguration bootConfiguration = bootCache.getCacheConfiguration();
		assertThat(valueBytes(configuration, SAMPLE)).as("value format").isEqualTo(valueBytes(bootConfiguration, SAMPLE));
		assertThat(configuration.getTtlFunction().getTimeToLive("k", "v"))
			.isEqualTo(bootConfiguration.getTtlFunction().getTimeToLive("k", "v"));
		assertThat(configuration.getAllowCacheNullValues()).isEqualTo(bootConfiguration.getAllowCacheNullValues());
		assertThat(configuration.getKeyPrefixFor("any")).isEqualTo(bootConfiguration.getKeyPrefixFor("any"));
		assertThat(context.getBean(LettuceConnectionFactory.class).getClientConfiguration().getCommandTimeout())
			.isEqualTo(boot.getBean(LettuceConnectionFactory.class).getClientConfiguration().getCommandTimeout());
	}

	private static byte[] valueBytes(RedisCacheConfiguration configuration, Object value) {
		ByteBuffer buffer = configuration.getValueSerializationPair().write(value);
		byte[] bytes = new byte[buffer.remaining()];
		buffer.get(bytes);
		return bytes;
	}

	@Test
	void theCacheTimeoutAppliesToTheCachesOwnConnectionOnly() {
		this.runner.run((context) -> {
			LettuceConnectionFactory application = context
				.getBean(LettuceConnectionFactory.class);
			assertThat(application.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofSeconds(60));
			LettuceConnectionFactory cache = (LettuceConnectionFactory) context
				.getBean(io.replicarouter.cache.BoundedRedisConnection.class)
				.connectionFactory();
			assertThat(cache).isNotSameAs(application);
			assertThat(cache.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofMillis(250));
			assertThat(cache.getClientConfiguration().getClientOptions().orElseThrow().getSocketOptions()
				.getConnectTimeout()).isEqualTo(Duration.ofMillis(250));
			assertThat(application.getClientConfiguration().getClientOptions().orElseThrow().getSocketOptions()
				.getConnectTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(cache.getPort()).isEqualTo(1);
		});
	}

	@Test
	void anApplicationWithoutTheRouterMayOptIn() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class,
					ReplicaRouterCacheAutoConfiguration.class, CacheAutoConfiguration.class))
			.withUserConfiguration(CachingConfiguration.class)
			.withPropertyValues("spring.cache.type=redis", "spring.data.redis.port=1", "replica-router.cache.enabled=true")
			.run((context) -> assertThat(context.getBean(RedisCacheManager.class).getCache("any"))
				.isInstanceOf(RoutingAwareCache.class));
	}

	@Configuration(proxyBeanMethods = false)
	static class RouterOn {

		@Bean
		DatabaseNodes replicaRouterNodes() {
			return org.mockito.Mockito.mock(DatabaseNodes.class);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnCacheManager {

		@Bean
		CacheManager cacheManager() {
			return new ConcurrentMapCacheManager();
		}

	}

}
