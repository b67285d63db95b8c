package io.replicarouter.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * Serves a cache manager's caches as {@link RoutingAwareCache}s, keeping the manager's own
 * type (a class-based proxy), so that what injects a {@code RedisCacheManager} still gets
 * one.
 */
public final class RoutingAwareCacheManagers {

	private RoutingAwareCacheManagers() {
	}

	/**
	 * Return a proxy of the manager whose {@code getCache} returns decorated caches.
	 * @param <M> the manager's type
	 * @param manager the manager, initialized
	 * @param counters where to count unreadable entries
	 * @return the proxy
	 */
	@SuppressWarnings("unchecked")
	public static <M extends CacheManager> M decorate(M manager, CacheCounters counters) {
		ProxyFactory proxy = new ProxyFactory(manager);
		configure(proxy, counters);
		return (M) proxy.getProxy(manager.getClass().getClassLoader());
	}

	/**
	 * Return the class of the proxies {@link #decorate} makes of a manager of the given
	 * type, creating it if need be. Called during AOT processing, so that the class-based
	 * proxy is generated at build time: a native image cannot generate it at run time.
	 * @param type the manager's type
	 * @param classLoader the class loader to define the proxy class in
	 * @return the proxy class
	 */
	public static Class<?> proxyClass(Class<? extends CacheManager> type, @Nullable ClassLoader classLoader) {
		ProxyFactory proxy = new ProxyFactory();
		proxy.setTargetClass(type);
		configure(proxy, new CacheCounters());
		return proxy.getProxyClass(classLoader);
	}

	private static void configure(ProxyFactory proxy, CacheCounters counters) {
		proxy.setProxyTargetClass(true);
		proxy.addAdvice(new DecoratingInterceptor(new UnreadableEntries(counters)));
	}

	/**
	 * Decorates the caches {@code getCache} returns, one decorator per cache.
	 */
	private static final class DecoratingInterceptor implements MethodInterceptor {

		private final UnreadableEntries unreadable;

		private final Map<String, RoutingAwareCache> decorated = new ConcurrentHashMap<>();

		DecoratingInterceptor(UnreadableEntries unreadable) {
			this.unreadable = unreadable;
		}

		@Override
		public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
			Object result = invocation.proceed();
			if (invocation.getMethod().getName().equals("getCache") && result instanceof Cache cache) {
				RoutingAwareCache existing = this.decorated.get(cache.getName());
				if (existing != null && existing.getTargetCache() == cache) {
					return existing;
				}
				RoutingAwareCache created = new RoutingAwareCache(cache, this.unreadable);
				this.decorated.put(cache.getName(), created);
				return created;
			}
			return result;
		}

	}

}
