package io.replicarouter.autoconfigure.consistency;

import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;

import static org.assertj.core.api.Assertions.assertThat;

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

}
