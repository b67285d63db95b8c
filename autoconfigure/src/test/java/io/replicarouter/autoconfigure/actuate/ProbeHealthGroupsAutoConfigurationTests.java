package io.replicarouter.autoconfigure.actuate;

import java.util.concurrent.atomic.AtomicReference;

import io.replicarouter.actuate.ReplicaRouterStatus;
import io.replicarouter.actuate.RoutingHealthIndicator;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.DiskSpaceHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The liveness and readiness groups replica-router gives Boot's availability probes, with
 * Boot's own health auto-configuration. Nothing listens on the configured ports, so the
 * primary and the replica are down unless a test replaces the {@code routing} indicator.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProbeHealthGroupsAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class,
				ReplicaRouterHealthContributorAutoConfiguration.class, DataSourceHealthContributorAutoConfiguration.class,
				ReplicaRouterProbesAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class,
				AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class,
				DiskSpaceHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
				EndpointAutoConfiguration.class))
		// What SpringApplication does with the starter's EnvironmentPostProcessor, after the
		// application's own properties are in place.
		.withInitializer((context) -> new HealthStatusOrderEnvironmentPostProcessor()
			.postProcessEnvironment(context.getEnvironment(), new SpringApplication()))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app");

	@Test
	void readinessIsTheReadinessStateAndRoutingAndNothingElseDependsOnTheDatabase() {
		this.runner.run((context) -> {
			HealthEndpointGroup readiness = group(context, "readiness");
			assertThat(readiness.isMember("readinessState")).isTrue();
			assertThat(readiness.isMember("routing")).isTrue();
			assertThat(readiness.isMember("db")).isFalse();
			assertThat(readiness.isMember("replication")).isFalse();
			assertThat(readiness.isMember("connectionPools")).isFalse();
			assertThat(readiness.isMember("diskSpace")).isFalse();
			assertThat(readiness.isMember("livenessState")).isFalse();
		});
	}

	@Test
	void livenessIsTheLivenessStateOnly() {
		this.runner.run((context) -> {
			HealthEndpointGroup liveness = group(context, "liveness");
			assertThat(liveness.isMember("livenessState")).isTrue();
			for (String name : new String[] { "db", "replication", "connectionPools", "routing", "readinessState" }) {
				assertThat(liveness.isMember(name)).as(name).isFalse();
			}
		});
	}

	@Test
	void withNothingReachableReadinessAndTheFullHealthAre503AndLivenessIs200() {
		this.runner.run((context) -> {
			assertThat(context.getBean("routingHealthIndicator")).isInstanceOf(RoutingHealthIndicator.class);
			assertThat(status(context, "readiness")).isEqualTo(Status.DOWN);
			assertThat(httpStatus(context, "readiness")).isEqualTo(503);
			assertThat(status(context, "liveness")).isEqualTo(Status.UP);
			assertThat(httpStatus(context, "liveness")).isEqualTo(200);
			assertThat(status(context, null)).isEqualTo(Status.DOWN);
			assertThat(httpStatus(context, null)).isEqualTo(503);
		});
	}

	@Test
	void readinessIsReadOnlyWith200WhileReplicasServeReadsWithoutAPrimary() {
		this.runner.withUserConfiguration(SettableRouting.class).run((context) -> {
			context.getBean(SettableRouting.class).status.set(ReplicaRouterStatus.READ_ONLY);
			assertThat(status(context, "readiness")).isEqualTo(ReplicaRouterStatus.READ_ONLY);
			assertThat(httpStatus(context, "readiness")).isEqualTo(200);
			assertThat(httpStatus(context, "liveness")).isEqualTo(200);
			context.getBean(SettableRouting.class).status.set(ReplicaRouterStatus.DEGRADED);
			assertThat(status(context, "readiness")).isEqualTo(ReplicaRouterStatus.DEGRADED);
			assertThat(httpStatus(context, "readiness")).isEqualTo(200);
			context.getBean(SettableRouting.class).status.set(Status.UP);
			assertThat(status(context, "readiness")).isEqualTo(Status.UP);
		});
	}

	@Test
	void boots503MappingForReadOnlyTakesAnInstanceOutAndKeepsTheStartersMembers() {
		// An application whose instances are useless without writes asks for 503 instead.
		this.runner.withUserConfiguration(SettableRouting.class)
			.withPropertyValues("management.endpoint.health.group.readiness.status.http-mapping.read-only=503")
			.run((context) -> {
				context.getBean(SettableRouting.class).status.set(ReplicaRouterStatus.READ_ONLY);
				assertThat(status(context, "readiness")).isEqualTo(ReplicaRouterStatus.READ_ONLY);
				assertThat(httpStatus(context, "readiness")).isEqualTo(503);
				HealthEndpointGroup readiness = group(context, "readiness");
				assertThat(readiness.isMember("routing")).isTrue();
				assertThat(readiness.isMember("db")).as("not every indicator, as Boot 4.1 makes a group without include")
					.isFalse();
			});
	}

	@Test
	void showDetailsForTheReadinessGroupKeepsTheStartersMembers() {
		// Operators often want to see why an instance is not ready.
		this.runner.withPropertyValues("management.endpoint.health.group.readiness.show-details=always")
			.run((context) -> {
				HealthEndpointGroup readiness = group(context, "readiness");
				assertThat(readiness.isMember("routing")).isTrue();
				assertThat(readiness.isMember("replication")).isFalse();
				assertThat(readiness.showDetails(null)).isTrue();
			});
	}

	@Test
	void membersTheApplicationChoseForReadinessWin() {
		this.runner.withPropertyValues("management.endpoint.health.group.readiness.include=readinessState,db")
			.run((context) -> {
				HealthEndpointGroup readiness = group(context, "readiness");
				assertThat(readiness.isMember("db")).isTrue();
				assertThat(readiness.isMember("routing")).isFalse();
			});
		this.runner.withPropertyValues("management.endpoint.health.group.readiness.exclude=diskSpace")
			.run((context) -> {
				HealthEndpointGroup readiness = group(context, "readiness");
				assertThat(readiness.isMember("diskSpace")).isFalse();
				assertThat(readiness.isMember("replication")).as("Boot's include=* with the exclusion").isTrue();
			});
	}

	@Test
	void databaseIndicatorsStayOutOfLivenessEvenWhenListedWithAWarning(CapturedOutput output) {
		this.runner.withPropertyValues("management.endpoint.health.group.liveness.include=livenessState,db,ping")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				HealthEndpointGroup liveness = group(context, "liveness");
				assertThat(liveness.isMember("livenessState")).isTrue();
				assertThat(liveness.isMember("ping")).isTrue();
				assertThat(liveness.isMember("db")).isFalse();
				assertThat(httpStatus(context, "liveness")).isEqualTo(200);
			});
		assertThat(output).contains("management.endpoint.health.group.liveness.include lists [db]");
	}

	@Test
	void aLivenessGroupConfiguredWithoutMembersStillLeavesTheDatabaseOut() {
		// Boot 4.1 makes a group configured without include hold every indicator.
		this.runner.withPropertyValues("management.endpoint.health.group.liveness.show-details=always")
			.run((context) -> {
				HealthEndpointGroup liveness = group(context, "liveness");
				for (String name : new String[] { "db", "replication", "connectionPools", "routing" }) {
					assertThat(liveness.isMember(name)).as(name).isFalse();
				}
				assertThat(httpStatus(context, "liveness")).isEqualTo(200);
			});
	}

	@Test
	void readinessWithoutTheRoutingIndicatorIsBootsAndTheApplicationStarts() {
		this.runner.withPropertyValues("management.health.routing.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("routingHealthIndicator");
			HealthEndpointGroup readiness = group(context, "readiness");
			assertThat(readiness.isMember("readinessState")).isTrue();
			assertThat(readiness.isMember("routing")).isFalse();
			assertThat(httpStatus(context, "readiness")).isEqualTo(200);
		});
	}

	@Test
	void withoutProbesOrWithoutTheRouterTheGroupsAreBoots() {
		this.runner.withPropertyValues("management.endpoint.health.probes.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ProbeHealthGroups.class);
			assertThat(context.getBean(HealthEndpointGroups.class).getNames()).doesNotContain("readiness", "liveness");
		});
		this.runner.withPropertyValues("replica-router.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(ProbeHealthGroups.class);
		});
	}

	@Test
	void additionalProbePathsOnTheMainPortStillWork() {
		this.runner.withPropertyValues("management.endpoint.health.probes.add-additional-paths=true")
			.run((context) -> {
				HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
				assertThat(groups).isInstanceOf(AdditionalPathsMapper.class);
				assertThat(((AdditionalPathsMapper) groups).getAdditionalPaths(EndpointId.of("health"),
						WebServerNamespace.SERVER))
					.containsExactlyInAnyOrder("/livez", "/readyz");
				assertThat(group(context, "readiness").isMember("routing")).isTrue();
			});
	}

	private static HealthEndpointGroup group(AssertableWebApplicationContext context, String name) {
		HealthEndpointGroup group = context.getBean(HealthEndpointGroups.class).get(name);
		assertThat(group).as(name).isNotNull();
		return group;
	}

	private static Status status(AssertableWebApplicationContext context, String group) {
		// What SpringApplication publishes once the application has started and is ready.
		AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
		AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
		HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
		return ((group != null) ? endpoint.healthForPath(group) : endpoint.health()).getStatus();
	}

	private static int httpStatus(AssertableWebApplicationContext context, String group) {
		HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
		HealthEndpointGroup endpointGroup = (group != null) ? groups.get(group) : groups.getPrimary();
		return endpointGroup.getHttpCodeStatusMapper().getStatusCode(status(context, group));
	}

	@Configuration(proxyBeanMethods = false)
	static class SettableRouting {

		final AtomicReference<Status> status = new AtomicReference<>(Status.UP);

		@Bean
		HealthIndicator routingHealthIndicator() {
			return () -> Health.status(this.status.get()).build();
		}

	}

}
