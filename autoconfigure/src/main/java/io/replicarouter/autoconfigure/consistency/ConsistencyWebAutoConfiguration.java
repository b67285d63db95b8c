package io.replicarouter.autoconfigure.consistency;

import java.security.Principal;
import java.time.Duration;
import java.util.function.Function;

import io.replicarouter.autoconfigure.ConsistencyProperties;
import io.replicarouter.autoconfigure.ConsistencyProperties.Redis.Key;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.cache.BoundedRedisConnection;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.consistency.ConsistencyTokenStore;
import io.replicarouter.consistency.ScopedConsistencyGuard;
import io.replicarouter.consistency.redis.RedisConsistencyTokenStore;
import io.replicarouter.consistency.web.ConsistencyScopeFilter;
import io.replicarouter.consistency.web.ConsistencyStoreKeyFilter;
import io.replicarouter.routing.ConsistencyGuard;
import io.replicarouter.routing.DatabaseNodes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives each servlet request its own consistency scope, carried between requests by a
 * cookie or header, or by Redis ({@code replica-router.consistency.store=redis}). With a
 * store, a second filter finds the request's user or session after the security and
 * session filters have run.
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class,
		afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ OncePerRequestFilter.class, FilterRegistrationBean.class })
@ConditionalOnBean(DatabaseNodes.class)
@ConditionalOnBooleanProperty(name = "replica-router.consistency.web.enabled", matchIfMissing = true)
public final class ConsistencyWebAutoConfiguration {

	/**
	 * Runs before any other filter that may read the database (security, sessions).
	 */
	public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	/**
	 * Runs after the filters that establish the user and the session: Spring Session's
	 * ({@code Integer.MIN_VALUE + 50}), Spring Security's ({@code -100} by default), and
	 * any an application registers without an order of its own before this one.
	 */
	public static final int STORE_KEY_FILTER_ORDER = Ordered.LOWEST_PRECEDENCE - 100;

	@Bean
	@ConditionalOnMissingBean(name = "replicaRouterConsistencyScopeFilter")
	FilterRegistrationBean<ConsistencyScopeFilter> replicaRouterConsistencyScopeFilter(
			ConsistencyProperties properties, ConsistencyGuard guard, ObjectProvider<ConsistencyTokenStore> store) {
		Duration lifetime = (guard instanceof ScopedConsistencyGuard scoped) ? scoped.tokenLifetime()
				: properties.getStickyWindow();
		ConsistencyTokenStore tokenStore = (properties.getStore() == ConsistencyProperties.Store.REDIS)
				? store.getIfAvailable() : null;
		ConsistencyProperties.Web web = properties.getWeb();
		Key key = properties.getRedis().getKey();
		ConsistencyScopeFilter filter = new ConsistencyScopeFilter(web.getCookieName(), web.getHeaderName(),
				web.isCookieSecure(), lifetime, tokenStore, storeKey(key),
				(key == Key.SESSION) ? "an HTTP session" : "an authenticated user");
		FilterRegistrationBean<ConsistencyScopeFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setOrder(FILTER_ORDER);
		registration.setName("replicaRouterConsistencyScopeFilter");
		return registration;
	}

	private static Function<HttpServletRequest, @Nullable String> storeKey(Key key) {
		if (key == Key.SESSION) {
			return (request) -> {
				HttpSession session = request.getSession(false);
				return (session != null) ? "session:" + session.getId() : null;
			};
		}
		return (request) -> {
			Principal principal = request.getUserPrincipal();
			return (principal != null) ? "principal:" + principal.getName() : null;
		};
	}

	@Bean
	@ConditionalOnProperty(name = "replica-router.consistency.store", havingValue = "redis")
	@ConditionalOnMissingBean(name = "replicaRouterConsistencyStoreKeyFilter")
	FilterRegistrationBean<ConsistencyStoreKeyFilter> replicaRouterConsistencyStoreKeyFilter() {
		FilterRegistrationBean<ConsistencyStoreKeyFilter> registration = new FilterRegistrationBean<>(
				new ConsistencyStoreKeyFilter());
		registration.setOrder(STORE_KEY_FILTER_ORDER);
		registration.setName("replicaRouterConsistencyStoreKeyFilter");
		return registration;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(StringRedisTemplate.class)
	@ConditionalOnProperty(name = "replica-router.consistency.store", havingValue = "redis")
	static class RedisStoreConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "replicaRouterConsistencyStoreConnection")
		@ConditionalOnBean(RedisConnectionFactory.class)
		BoundedRedisConnection replicaRouterConsistencyStoreConnection(RedisConnectionFactory connectionFactory,
				ConsistencyProperties properties) {
			return new BoundedRedisConnection(connectionFactory, properties.getRedis().getCommandTimeout());
		}

		@Bean
		@ConditionalOnMissingBean(ConsistencyTokenStore.class)
		@ConditionalOnBean(RedisConnectionFactory.class)
		RedisConsistencyTokenStore redisConsistencyTokenStore(
				@Qualifier("replicaRouterConsistencyStoreConnection") BoundedRedisConnection connection,
				ConsistencyProperties properties) {
			// Its own connection and breaker: a Redis outage costs a request at most one short
			// timeout, then nothing while the circuit is open.
			StringRedisTemplate redis = new StringRedisTemplate(connection.connectionFactory());
			return new RedisConsistencyTokenStore(redis, properties.getRedis().getKeyPrefix(),
					new CircuitBreaker("consistency token store", 3, Duration.ofSeconds(5)));
		}

	}

}
