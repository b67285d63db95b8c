package io.replicarouter.cache;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettucePoolingClientConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link BoundedRedisConnectionRuntimeHints}.
 */
class BoundedRedisConnectionRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void registersTheProxiesOfBothClientConfigurationsAndTheirMethods() {
		new BoundedRedisConnectionRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		for (Class<?> type : new Class<?>[] { LettuceClientConfiguration.class,
				LettucePoolingClientConfiguration.class }) {
			assertThat(RuntimeHintsPredicates.proxies().forInterfaces(type)).accepts(this.hints);
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(type)
				.withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS)).accepts(this.hints);
		}
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(LettuceClientConfiguration.class, "getClientResources")).accepts(this.hints);
	}

	@Test
	void theProxyBoundedRedisConnectionMakesIsOneOfTheRegisteredOnes() {
		new BoundedRedisConnectionRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		LettuceClientConfiguration proxy = BoundedRedisConnection
			.withCommandTimeout(LettuceClientConfiguration.defaultConfiguration(), java.time.Duration.ofSeconds(1));
		assertThat(RuntimeHintsPredicates.proxies().forInterfaces(proxy.getClass().getInterfaces()))
			.accepts(this.hints);
	}

	@Test
	void registersNothingWithoutLettuce() {
		new BoundedRedisConnectionRuntimeHints().registerHints(this.hints, new ClassLoader(null) {
		});
		assertThat(this.hints.proxies().jdkProxyHints()).isEmpty();
		assertThat(this.hints.reflection().typeHints()).isEmpty();
	}

}
