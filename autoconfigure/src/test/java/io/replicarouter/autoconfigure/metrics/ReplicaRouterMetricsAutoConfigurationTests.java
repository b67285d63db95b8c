package io.replicarouter.autoconfigure.metrics;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaRouterMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, ReplicaRouterAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class,
				ReplicaRouterMetricsAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:3/app",
				"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:4/app");

	@Test
	void everyPoolGetsHikarisMicrometerTracker() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ReplicaPoolsMeterBinder.class);
			context.getBean(MeterRegistry.class);
			ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
			assertThat(pool(router.getPrimary()).getMetricsTrackerFactory())
				.isInstanceOf(MicrometerMetricsTrackerFactory.class);
			for (DataSourceNode replica : router.getReplicas()) {
				assertThat(pool(replica).getMetricsTrackerFactory()).isInstanceOf(MicrometerMetricsTrackerFactory.class);
			}
		});
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class, SimpleMeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ReplicaPoolsMeterBinder.class));
	}

	@Test
	void backsOffWithoutTheRouter() {
		this.runner.withPropertyValues("replica-router.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ReplicaPoolsMeterBinder.class));
	}

	private static HikariDataSource pool(DataSourceNode node) {
		return (HikariDataSource) node.dataSource();
	}

}
