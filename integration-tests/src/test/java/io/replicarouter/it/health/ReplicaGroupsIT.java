package io.replicarouter.it.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.replicarouter.ReplicaRead;
import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.Server;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.NoEligibleReplicaException;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The seed's analytics replica: replica-3 is in group {@code analytics}, replica-1 and
 * replica-2 serve the application's reads. A reporting method annotated for the group runs
 * only there, ordinary reads never do, and when the analytics replica dies reports follow
 * the group's fallback (by default they fail, never on the primary) while the application's
 * reads go on. Every read is counted by the port the server reported.
 */
class ReplicaGroupsIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(3);

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void createTables() {
		RouterTestApplication.createTables(extension.cluster());
	}

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
		extension.cluster().heal();
	}

	@Test
	void reportsRunOnlyOnTheAnalyticsReplicaAndFailWithoutTouchingThePrimaryWhenItDies() throws Exception {
		this.context = start();
		Reports reports = this.context.getBean(Reports.class);
		Map<String, Integer> reported = Server.servedBy(extension.cluster(), 500, reports::monthly);
		assertThat(reported).as("reports: " + reported).containsOnlyKeys("replica-3");
		Map<String, Integer> ordinary = Server.servedBy(extension.cluster(), 500, reports::ordinary);
		assertThat(ordinary).as("ordinary reads: " + ordinary).containsOnlyKeys("replica-1", "replica-2");

		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		extension.cluster().replica(2).kill();
		ReplicaHealthIT.awaitTrue(Duration.ofSeconds(15), () -> !monitor.replicaHealth().get(2).isEligible());
		List<Throwable> failures = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			try {
				Server server = reports.monthly();
				failures.add(new AssertionError("a report ran on " + server.nodeName(extension.cluster())));
			}
			catch (RuntimeException ex) {
				failures.add(ex);
			}
		}
		assertThat(failures).allSatisfy((failure) -> assertThat(failure).isNotInstanceOf(AssertionError.class)
			.rootCause()
			.isInstanceOf(NoEligibleReplicaException.class)
			.hasMessageContaining("group 'analytics'"));
		assertThat(Server.servedBy(extension.cluster(), 300, reports::ordinary)).as("the application's reads go on")
			.containsOnlyKeys("replica-1", "replica-2");
		Map<String, Object> health = this.context
			.getBean(io.replicarouter.actuate.ReplicationHealthIndicator.class)
			.health(true)
			.getDetails();
		assertThat(health).extractingByKey("groups")
			.isEqualTo(Map.of("analytics", Map.of("eligibleReplicas", 0L, "replicas", 1L), "default",
					Map.of("eligibleReplicas", 2L, "replicas", 2L)));
	}

	@Test
	void withTheDefaultGroupAsFallbackReportsMoveThereWhenTheAnalyticsReplicaDies() throws Exception {
		this.context = start("replica-router.groups.analytics.fallback=default");
		Reports reports = this.context.getBean(Reports.class);
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		extension.cluster().replica(2).kill();
		ReplicaHealthIT.awaitTrue(Duration.ofSeconds(15), () -> !monitor.replicaHealth().get(2).isEligible());
		Map<String, Integer> reported = Server.servedBy(extension.cluster(), 200, reports::monthly);
		assertThat(reported).as("reports: " + reported).containsOnlyKeys("replica-1", "replica-2");
	}

	@Test
	void aReportWhoseMethodAsksForAnUnknownGroupFailsTheStartup() {
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(GroupsApplication.class).web(WebApplicationType.NONE)
				.properties(RouterTestApplication.properties(extension.cluster()).toArray(String[]::new))
				.run())
			.havingRootCause()
			.withMessageContaining("@ReplicaRead(group = \"analytics\")")
			.withMessageContaining("Reports.monthly");
	}

	private static ConfigurableApplicationContext start(String... more) {
		List<String> properties = new ArrayList<>(RouterTestApplication.properties(extension.cluster()));
		properties.add("replica-router.replicas[2].group=analytics");
		properties.add("replica-router.health.probe-interval=200ms");
		properties.addAll(List.of(more));
		return new SpringApplicationBuilder(GroupsApplication.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
			"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
	@Import(Reports.class)
	static class GroupsApplication {

	}

	@Service
	static class Reports {

		private final JdbcTemplate jdbc;

		Reports(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@ReplicaRead(group = "analytics")
		@Transactional(readOnly = true)
		public Server monthly() {
			return server();
		}

		@Transactional(readOnly = true)
		public Server ordinary() {
			return server();
		}

		private Server server() {
			return this.jdbc.queryForObject(Server.QUERY,
					(rs, row) -> new Server(rs.getInt("port"), rs.getBoolean("in_recovery")));
		}

	}

}
