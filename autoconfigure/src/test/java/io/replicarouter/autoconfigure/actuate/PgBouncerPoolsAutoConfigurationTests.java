package io.replicarouter.autoconfigure.actuate;

import java.util.Map;

import io.replicarouter.actuate.ConnectionPoolsHealthIndicator;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.pgbouncer.PgBouncerPoolsMonitor;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

class PgBouncerPoolsAutoConfigurationTests {

	private static final String ADMIN_PASSWORD = "stats-Secret-2718";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class,
				ReplicaRouterHealthContributorAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app");

	@Test
	void pgBouncerIsNotPolledUnlessAnAdminUserIsSet() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(PgBouncerPoolsMonitor.class));
	}

	@Test
	void connectionPoolsHealthShowsEachNodesPgBouncerWithoutItsPassword() {
		this.runner
			.withPropertyValues("replica-router.pgbouncer.admin.username=pgbouncer_stats",
					"replica-router.pgbouncer.admin.password=" + ADMIN_PASSWORD,
					"replica-router.pgbouncer.admin.timeout=1s")
			.run((context) -> {
				assertThat(context).hasSingleBean(PgBouncerPoolsMonitor.class);
				context.getBean(PgBouncerPoolsMonitor.class).pollAll();
				Health health = context.getBean(ConnectionPoolsHealthIndicator.class).health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsOnlyKeys("primary", "replica-1");
				@SuppressWarnings("unchecked")
				Map<String, Object> primary = (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("primary"))
					.get("pgbouncer");
				assertThat(primary).containsKeys("error", "polledAt");
				assertThat((String) primary.get("error")).startsWith("SHOW POOLS failed");
				assertThat(health.toString()).doesNotContain(ADMIN_PASSWORD);
				assertThat(context.getBean(PgBouncerPoolsMonitor.class).isRunning()).isTrue();
			});
	}

	@Test
	void aNodeWhoseUrlNamesSeveralHostsIsNotPolled() {
		this.runner
			.withPropertyValues("replica-router.pgbouncer.admin.username=pgbouncer_stats",
					"spring.datasource.url=jdbc:postgresql://127.0.0.1:1,127.0.0.1:3/app?targetServerType=primary")
			.run((context) -> {
				PgBouncerPoolsMonitor monitor = context.getBean(PgBouncerPoolsMonitor.class);
				monitor.pollAll();
				assertThat(monitor.pools().get("primary").error()).contains("exactly one host");
			});
	}

	@Test
	void nonPositivePollIntervalFailsNamingTheProperty() {
		this.runner
			.withPropertyValues("replica-router.pgbouncer.admin.username=pgbouncer_stats",
					"replica-router.pgbouncer.admin.poll-interval=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("replica-router.pgbouncer.admin.poll-interval"));
	}

}
