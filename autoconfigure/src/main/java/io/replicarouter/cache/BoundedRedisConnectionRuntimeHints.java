package io.replicarouter.cache;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.util.ClassUtils;

/**
 * Hints for {@link BoundedRedisConnection}, which wraps the application's Lettuce client
 * configuration in a JDK proxy (of {@code LettuceClientConfiguration} or
 * {@code LettucePoolingClientConfiguration}) that changes the timeouts and calls every
 * other method of the configuration reflectively. Registered only when Lettuce is there,
 * as the proxy is only made then.
 */
class BoundedRedisConnectionRuntimeHints implements RuntimeHintsRegistrar {

	static final String LETTUCE = "io.lettuce.core.RedisClient";

	static final String CLIENT_CONFIGURATION = "org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration";

	static final String POOLING_CLIENT_CONFIGURATION = "org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent(LETTUCE, classLoader) || !ClassUtils.isPresent(CLIENT_CONFIGURATION, classLoader)) {
			return;
		}
		register(hints, CLIENT_CONFIGURATION);
		if (ClassUtils.isPresent(POOLING_CLIENT_CONFIGURATION, classLoader)) {
			register(hints, POOLING_CLIENT_CONFIGURATION);
		}
	}

	private static void register(RuntimeHints hints, String configurationType) {
		TypeReference type = TypeReference.of(configurationType);
		hints.proxies().registerJdkProxy(type);
		hints.reflection().registerType(type, MemberCategory.INVOKE_PUBLIC_METHODS);
	}

}
