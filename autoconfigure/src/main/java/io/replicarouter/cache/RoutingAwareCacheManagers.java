package io.replicarouter.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;

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
		UnreadableEntries unreadable = new UnreadableEntries(counters);
		Map<String, RoutingAwareCache> decorated = new ConcurrentHashMap<>();
		ProxyFactory proxy = new ProxyFactory(manager);
		proxy.setProxyTargetClass(true);
		proxy.addAdvice((MethodInterceptor) (invocation) -> {
			Object result = invocation.proceed();
			if (invocation.getMethod().getName().equals("getCache") && result instanceof Cache cache) {
				RoutingAwareCache existing = decorated.get(cache.getName());
				if (existing != null && existing.getTargetCache() == cache) {
					return existing;
				}
				RoutingAwareCache created = new RoutingAwareCache(cache, unreadable);
				decorated.put(cache.getName(), created);
				return created;
			}
			return result;
		});
		return (M) proxy.getProxy(manager.getClass().getClassLoader());
	}

}
