package io.replicarouter.autoconfigure.actuate;

import io.replicarouter.actuate.ConnectionPoolsHealthIndicator;
import io.replicarouter.actuate.PrimaryDatabaseHealthIndicator;
import io.replicarouter.actuate.ReplicationEndpoint;
import io.replicarouter.actuate.ReplicationHealthIndicator;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaRouterActuatorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class,
				ReplicaRouterHealthContributorAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class,
				ReplicationEndpointAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app");

	@Test
	void registersTheHealthIndicatorsAndReplacesBootsDbIndicator() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ReplicationHealthIndicator.class);
			assertThat(context).hasSingleBean(ConnectionPoolsHealthIndicator.class);
			assertThat(context).getBean("dbHealthIndicator").isInstanceOf(PrimaryDatabaseHealthIndicator.class);
			assertThat(context).doesNotHaveBean("dbHealthContributor");
		});
	}

	@Test
	void healthIndicatorsAnswerFromCachedStateWhenNothingIsReachable() {
		this.runner.run((context) -> {
			assertThat(context.getBean(ReplicationHealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
			assertThat(((HealthIndicator) context.getBean("dbHealthIndicator")).health().getStatus())
				.isEqualTo(Status.DOWN);
			assertThat(context.getBean(ConnectionPoolsHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void eachIndicatorCanBeSwitchedOff() {
		this.runner
			.withPropertyValues("management.health.replication.enabled=false",
					"management.health.connection-pools.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ReplicationHealthIndicator.class);
				assertThat(context).doesNotHaveBean(ConnectionPoolsHealthIndicator.class);
			});
	}

	@Test
	void endpointIsAbsentUntilExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(ReplicationEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=replication")
			.run((context) -> assertThat(context).hasSingleBean(ReplicationEndpoint.class));
	}

	@Test
	void nothingIsRegisteredWithoutTheRouter() {
		this.runner.withPropertyValues("replica-router.enabled=false",
				"management.endpoints.web.exposure.include=replication")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(ReplicationHealthIndicator.class);
				assertThat(context).doesNotHaveBean(ReplicationEndpoint.class);
				assertThat(context).doesNotHaveBean(PrimaryDatabaseHealthIndicator.class);
			});
	}

	@Test
	void readOnlyAndDegradedAreOrderedBetweenOutOfServiceAndUpUnlessTheApplicationSetsAnOrder() {
		StandardEnvironment environment = new StandardEnvironment();
		new HealthStatusOrderEnvironmentPostProcessor().postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("management.endpoint.health.status.order"))
			.isEqualTo("DOWN,OUT_OF_SERVICE,READ_ONLY,DEGRADED,UP,UNKNOWN");
		StandardEnvironment own = new StandardEnvironment();
		own.getPropertySources()
			.addFirst(new org.springframework.core.env.MapPropertySource("app",
					java.util.Map.of("management.endpoint.health.status.order", "DOWN,UP")));
		new HealthStatusOrderEnvironmentPostProcessor().postProcessEnvironment(own, new SpringApplication());
		assertThat(own.getProperty("management.endpoint.health.status.order")).isEqualTo("DOWN,UP");
	}

}
