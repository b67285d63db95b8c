package io.replicarouter.cache;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Optional;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration;
import org.springframework.util.ClassUtils;

/**
 * A Redis connection of replica-router's own, to the application's Redis, with a short
 * command timeout: the application's connection factory, its other users (Spring Session,
 * streams, blocking commands) and their timeout stay as they are. With Lettuce, a second
 * {@link LettuceConnectionFactory} with the application's settings (servers, TLS,
 * credentials, client resources) and only the command timeout changed; with another client
 * the application's factory, whose timeout then applies.
 */
public class BoundedRedisConnection implements DisposableBean {

	private static final Log logger = LogFactory.getLog(BoundedRedisConnection.class);

	private static final boolean LETTUCE_PRESENT = ClassUtils.isPresent("io.lettuce.core.RedisClient",
			BoundedRedisConnection.class.getClassLoader());

	private final RedisConnectionFactory factory;

	private final @Nullable LettuceConnectionFactory owned;

	/**
	 * Create a connection.
	 * @param application the application's connection factory
	 * @param commandTimeout the longest wait for a command on this connection
	 */
	public BoundedRedisConnection(RedisConnectionFactory application, Duration commandTimeout) {
		LettuceConnectionFactory owned = (LETTUCE_PRESENT && application instanceof LettuceConnectionFactory lettuce)
				? copy(lettuce, commandTimeout) : null;
		if (owned != null) {
			owned.afterPropertiesSet();
			owned.start();
		}
		else {
			logger.info("Redis is not used through Lettuce: replica-router's Redis calls use the application's "
					+ "connection and its timeout");
		}
		this.owned = owned;
		this.factory = (owned != null) ? owned : application;
	}

	/**
	 * Return the connection factory to use.
	 * @return the factory
	 */
	public RedisConnectionFactory connectionFactory() {
		return this.factory;
	}

	private static @Nullable LettuceConnectionFactory copy(LettuceConnectionFactory application, Duration timeout) {
		LettuceClientConfiguration client = withCommandTimeout(application.getClientConfiguration(), timeout);
		LettuceConnectionFactory copy;
		if (application.isClusterAware()) {
			copy = new LettuceConnectionFactory(application.getClusterConfiguration(), client);
		}
		else if (application.isRedisSentinelAware()) {
			copy = new LettuceConnectionFactory(application.getSentinelConfiguration(), client);
		}
		else {
			copy = new LettuceConnectionFactory(application.getStandaloneConfiguration(), client);
		}
		copy.setValidateConnection(application.getValidateConnection());
		return copy;
	}

	/**
	 * The application's client configuration with another command timeout, and a connect
	 * timeout no longer than it (a connection made while Redis is down would otherwise wait
	 * Lettuce's 10 s); everything else (TLS, client options, resources, credentials) read
	 * from it, whatever its methods.
	 */
	static LettuceClientConfiguration withCommandTimeout(LettuceClientConfiguration configuration, Duration timeout) {
		Optional<ClientOptions> clientOptions = configuration.getClientOptions().map((options) -> {
			SocketOptions socket = options.getSocketOptions();
			if (socket.getConnectTimeout().compareTo(timeout) <= 0) {
				return options;
			}
			return options.mutate().socketOptions(socket.mutate().connectTimeout(timeout).build()).build();
		});
		Class<?> type = (configuration instanceof LettucePoolingClientConfiguration)
				? LettucePoolingClientConfiguration.class : LettuceClientConfiguration.class;
		return (LettuceClientConfiguration) Proxy.newProxyInstance(BoundedRedisConnection.class.getClassLoader(),
				new Class<?>[] { type }, (proxy, method, args) -> {
					if (method.getName().equals("getCommandTimeout") && method.getParameterCount() == 0) {
						return timeout;
					}
					if (method.getName().equals("getClientOptions") && method.getParameterCount() == 0) {
						return clientOptions;
					}
					try {
						return method.invoke(configuration, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getTargetException();
					}
				});
	}

	@Override
	public void destroy() {
		if (this.owned != null) {
			this.owned.destroy();
		}
	}

}
