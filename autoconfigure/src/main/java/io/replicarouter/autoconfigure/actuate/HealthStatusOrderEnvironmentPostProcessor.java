package io.replicarouter.autoconfigure.actuate;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adds {@code READ_ONLY} and {@code DEGRADED} to Boot's health status order, in that order
 * after {@code OUT_OF_SERVICE} and before {@code UP}, so they show in the overall status
 * and in the groups that use it (Boot leaves statuses out of the order out of the
 * aggregate). Added with the lowest precedence: any
 * {@code management.endpoint.health.status.order} the application sets wins.
 */
class HealthStatusOrderEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE = "replicaRouterHealthDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.getPropertySources().contains(PROPERTY_SOURCE)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(PROPERTY_SOURCE, Map.of("management.endpoint.health.status.order",
						"DOWN,OUT_OF_SERVICE,READ_ONLY,DEGRADED,UP,UNKNOWN")));
		}
	}

}
