package io.replicarouter.autoconfigure;

import java.time.Duration;

import io.replicarouter.routing.ReplicaRoutingDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of what happens while the primary is down: the fail-fast wait, the limit on
 * fallback reads, and the opt-in retry of writes.
 */
class PrimaryLossWiringTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"spring.datasource.username=app", "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app");

	@Test
	void byDefaultWritesWaitOneSecondForADownPrimaryAndFallbackReadsTakeHalfThePrimaryPool() {
		this.runner.run((context) -> {
			ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
			assertThat(router.getPrimaryUnavailableWait()).isEqualTo(Duration.ofSeconds(1));
			assertThat(router.getFallbackMaxConcurrency()).as("Hikari's default pool of 10").isEqualTo(5);
			assertThat(router.getPrimaryReadWeight()).as("reads stay off the primary").isZero();
			assertThat(context).doesNotHaveBean("writeTransactionRetryAdvisor");
		});
	}

	@Test
	void theWaitTheLimitAndTheWriteRetryAreConfigurable() {
		this.runner
			.withPropertyValues("replica-router.primary.unavailable-wait=250ms",
					"replica-router.fallback-max-concurrency=2", "replica-router.retry.writes.enabled=true",
					"replica-router.primary.read-weight=2")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(router.getPrimaryReadWeight()).isEqualTo(2);
				assertThat(router.getPrimaryUnavailableWait()).isEqualTo(Duration.ofMillis(250));
				assertThat(router.getFallbackMaxConcurrency()).isEqualTo(2);
				assertThat(context).hasBean("writeTransactionRetryAdvisor");
			});
	}

	@Test
	void theDefaultFallbackLimitFollowsThePrimaryPoolSize() {
		this.runner.withPropertyValues("spring.datasource.hikari.maximum-pool-size=1").run((context) -> {
			assertThat(context.getBean(ReplicaRoutingDataSource.class).getFallbackMaxConcurrency()).isEqualTo(1);
		});
	}

}
