package io.replicarouter.autoconfigure.cache;

import io.replicarouter.cache.CacheCounters;
import io.replicarouter.cache.RoutingAwareCacheManagers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.SmartInstantiationAwareBeanPostProcessor;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * The cache manager decorator tells AOT processing the type of the class-based proxy it
 * makes of Boot's {@code cacheManager}, so that the proxy class is generated at build time
 * (a native image cannot generate classes), and it is the class used at run time.
 */
class CacheManagerProxyClassTests {

	private final SmartInstantiationAwareBeanPostProcessor decorator = decorator();

	@Test
	void determinesTheProxyClassForBootsCacheManager() {
		Class<?> type = this.decorator.determineBeanType(RedisCacheManager.class, "cacheManager");
		assertThat(type).isNotEqualTo(RedisCacheManager.class);
		assertThat(RedisCacheManager.class).isAssignableFrom(type);
		RedisCacheManager manager = RedisCacheManager.builder(RedisCacheWriter.nonLockingRedisCacheWriter(
				mock(RedisConnectionFactory.class)))
			.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig())
			.build();
		manager.afterPropertiesSet();
		Object decorated = this.decorator.postProcessAfterInitialization(manager, "cacheManager");
		assertThat(decorated).isInstanceOf(RedisCacheManager.class);
		assertThat(decorated.getClass().getName()).startsWith(RedisCacheManager.class.getName() + "$$SpringCGLIB$$");
		assertThat(type.getName()).startsWith(RedisCacheManager.class.getName() + "$$SpringCGLIB$$");
	}

	@Test
	void leavesOtherBeansTypesAlone() {
		assertThat(this.decorator.determineBeanType(RedisCacheManager.class, "otherCacheManager"))
			.isEqualTo(RedisCacheManager.class);
		assertThat(this.decorator.determineBeanType(String.class, "cacheManager")).isEqualTo(String.class);
	}

	@Test
	void proxyClassIsACacheManager() {
		assertThat(RoutingAwareCacheManagers.proxyClass(RedisCacheManager.class, getClass().getClassLoader()))
			.isAssignableTo(RedisCacheManager.class);
	}

	private static SmartInstantiationAwareBeanPostProcessor decorator() {
		StaticListableBeanFactory beanFactory = new StaticListableBeanFactory();
		beanFactory.addBean("counters", new CacheCounters());
		BeanPostProcessor decorator = ReplicaRouterCacheAutoConfiguration
			.replicaRouterCacheManagerDecorator(beanFactory.getBeanProvider(CacheCounters.class));
		assertThat(decorator).isInstanceOf(SmartInstantiationAwareBeanPostProcessor.class);
		return (SmartInstantiationAwareBeanPostProcessor) decorator;
	}

}
