package io.replicarouter.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.routing.observation.DefaultRoutingObservationConvention;
import io.replicarouter.routing.observation.RoutingObservationConvention;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing decisions are observed in the application's {@link ObservationRegistry}, with the
 * application's convention when it has one, and not at all without a registry.
 */
class ObservationWiringTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"spring.datasource.username=app", "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app");

	@Test
	void withoutARegistryNothingIsObserved() {
		this.runner.run((context) -> assertThat(context.getBean(ReplicaRoutingDataSource.class).getObservationRegistry())
			.isSameAs(ObservationRegistry.NOOP));
	}

	@Test
	void bootsRegistryObservesRoutingDecisions() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(ReplicaRoutingDataSource.class).getObservationRegistry())
				.isSameAs(context.getBean(ObservationRegistry.class)));
	}

	@Test
	void theApplicationsConventionReplacesTheDefault() {
		this.runner.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withUserConfiguration(ConventionConfiguration.class)
			.run((context) -> assertThat(context.getBean(ReplicaRoutingDataSource.class).getObservationConvention())
				.isSameAs(context.getBean(RoutingObservationConvention.class)));
	}

	@Configuration(proxyBeanMethods = false)
	static class ConventionConfiguration {

		@Bean
		RoutingObservationConvention routingObservationConvention() {
			return new DefaultRoutingObservationConvention();
		}

	}

}
