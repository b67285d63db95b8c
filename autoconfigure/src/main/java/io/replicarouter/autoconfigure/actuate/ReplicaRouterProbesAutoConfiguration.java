package io.replicarouter.autoconfigure.actuate;

import io.replicarouter.replica.ReplicaHealthMonitor;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointProperties;
import org.springframework.context.annotation.Bean;

/**
 * replica-router's defaults for Boot's {@code liveness} and {@code readiness} health groups
 * (see {@link ProbeHealthGroups}). Active with Boot's availability probes
 * ({@code management.endpoint.health.probes.enabled}, on by default since Boot 4), and
 * after them: Boot applies group post-processors of equal order in the order their beans
 * were defined, so this one sees the probe groups Boot made.
 */
@AutoConfiguration(after = ReplicaRouterHealthContributorAutoConfiguration.class,
		afterName = { "org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration",
				"org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration" })
@ConditionalOnClass({ HealthEndpointGroupsPostProcessor.class, HealthEndpointProperties.class })
@ConditionalOnBean({ ReplicaHealthMonitor.class, HealthEndpointProperties.class })
@ConditionalOnBooleanProperty(name = "management.endpoint.health.probes.enabled", matchIfMissing = true)
public final class ReplicaRouterProbesAutoConfiguration {

	@Bean
	ProbeHealthGroups replicaRouterProbeHealthGroups(HealthEndpointProperties properties,
			ListableBeanFactory beans) {
		return new ProbeHealthGroups(properties, beans.containsBean("routingHealthIndicator"));
	}

}
