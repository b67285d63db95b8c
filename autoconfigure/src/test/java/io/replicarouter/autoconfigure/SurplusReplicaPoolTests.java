package io.replicarouter.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool bean for a replica that is no longer configured (what an application
 * AOT-processed with more replicas than it starts with has) fails start-up naming
 * {@code replica-router.replicas} and the cause, not with an index error.
 */
class SurplusReplicaPoolTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"spring.datasource.username=app", "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app");

	@Test
	void aPoolBeanBeyondTheConfiguredReplicasNamesTheProperty() {
		this.runner.withInitializer((context) -> {
			// As the generated code of an application AOT-processed with two replicas does.
			RootBeanDefinition surplus = new RootBeanDefinition();
			surplus.setTargetType(HikariDataSource.class);
			surplus.setFactoryBeanName(ReplicaPoolsRegistrar.NODE_POOLS);
			surplus.setFactoryMethodName("replica");
			surplus.getConstructorArgumentValues().addIndexedArgumentValue(0, 1);
			((BeanDefinitionRegistry) context.getBeanFactory()).registerBeanDefinition(ReplicaPoolsRegistrar.beanName(1),
					surplus);
		}).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidReplicaRouterConfigurationException.class)
				.hasMessageContaining("replica-router.replicas")
				.hasMessageContaining("1 replica(s) are configured, but the application was AOT-processed with at least 2");
		});
	}

}
