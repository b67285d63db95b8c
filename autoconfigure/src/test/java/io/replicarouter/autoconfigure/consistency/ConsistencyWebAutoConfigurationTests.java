package io.replicarouter.autoconfigure.consistency;

import java.time.Duration;

import io.replicarouter.WalPosition;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.cache.BoundedRedisConnection;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.consistency.redis.RedisConsistencyTokenStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.util.ReflectionTestUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;

class ConsistencyWebAutoConfigurationTests {

	private static final int SPRING_SECURITY_DEFAULT_ORDER = -100;

	private static final int SPRING_SESSION_ORDER = Integer.MIN_VALUE + 50;

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
				DataSourceAutoConfiguration.class, ConsistencyWebAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"spring.datasource.username=app", "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app");

	@Test
	void theScopeFilterRunsBeforeSecurityAndSessionFilters() {
		this.runner.run((context) -> {
			FilterRegistrationBean<?> scope = context.getBean("replicaRouterConsistencyScopeFilter",
					FilterRegistrationBean.class);
			assertThat(scope.getOrder()).isLessThan(SPRING_SESSION_ORDER).isLessThan(SPRING_SECURITY_DEFAULT_ORDER);
			assertThat(context).doesNotHaveBean("replicaRouterConsistencyStoreKeyFilter");
		});
	}

	@Test
	void withTheRedisStoreTheKeyIsFoundAfterSecurityAndSessionFilters() {
		this.runner.withPropertyValues("replica-router.consistency.store=redis").run((context) -> {
			FilterRegistrationBean<?> storeKey = context.getBean("replicaRouterConsistencyStoreKeyFilter",
					FilterRegistrationBean.class);
			assertThat(storeKey.getOrder()).isGreaterThan(SPRING_SECURITY_DEFAULT_ORDER)
				.isGreaterThan(SPRING_SESSION_ORDER);
		});
	}

	@Test
	void theRedisStoreHasItsOwnBoundedConnectionAndCircuitBreakerAndLeavesTheApplicationsConnectionAlone() {
		ApplicationContextRunner plainBoot = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=1");
		plainBoot.run((boot) -> this.runner.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues("replica-router.consistency.store=redis", "spring.data.redis.port=1")
			.run((context) -> {
				LettuceConnectionFactory application = context.getBean(LettuceConnectionFactory.class);
				assertThat(application.getClientConfiguration().getCommandTimeout()).as("Boot's and Lettuce's default")
					.isEqualTo(boot.getBean(LettuceConnectionFactory.class).getClientConfiguration().getCommandTimeout())
					.isEqualTo(Duration.ofSeconds(60));
				RedisConsistencyTokenStore store = context.getBean(RedisConsistencyTokenStore.class);
				LettuceConnectionFactory own = (LettuceConnectionFactory) context
					.getBean("replicaRouterConsistencyStoreConnection", BoundedRedisConnection.class)
					.connectionFactory();
				assertThat(own).isNotSameAs(application);
				assertThat(own.getPort()).isEqualTo(application.getPort());
				assertThat(own.getClientConfiguration().getCommandTimeout()).isEqualTo(Duration.ofMillis(250));
				StringRedisTemplate template = (StringRedisTemplate) ReflectionTestUtils.getField(store, "redis");
				assertThat(template.getConnectionFactory()).as("the store's calls use that connection").isSameAs(own);
				// No Redis listens: three failed calls open the store's circuit, then none is made.
				ConsistencyToken written = new ConsistencyToken(WalPosition.of(0x100), 1_000);
				for (int i = 0; i < 3; i++) {
					assertThatRuntimeException().isThrownBy(() -> store.save("user", written, Duration.ofSeconds(5)));
				}
				assertThat(store.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
				assertThat(store.load("user")).isEmpty();
				store.save("user", written, Duration.ofSeconds(5));
			}));
	}

}
