package io.replicarouter.it.secrets;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import io.replicarouter.it.RoutingTestCluster;
import io.replicarouter.it.Server;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.test.PostgresReplicationCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With every logger at DEBUG, neither the primary's password nor a replica's (right or
 * wrong) shows up in the log, in the monitor's view of the nodes, or in the messages of
 * an exception a caller sees.
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretHygieneIT {

	private static final String WRONG_PASSWORD = "wrong-Secret-991";

	private final PostgresReplicationCluster cluster = RoutingTestCluster.get();

	@Test
	void passwordsNeverReachLogsOrExceptionMessages(CapturedOutput output) {
		List<Throwable> failures = new ArrayList<>();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.web(WebApplicationType.NONE)
			.properties("logging.level.root=DEBUG", "logging.level.com.zaxxer.hikari=DEBUG",
					"logging.level.io.replicarouter=TRACE", "logging.level.org.postgresql=DEBUG",
					"logging.level.org.springframework.jdbc=DEBUG", "spring.datasource.url=" + this.cluster.primary().jdbcUrl(),
					"spring.datasource.username=" + this.cluster.username(),
					"spring.datasource.password=" + RoutingTestCluster.PASSWORD,
					"replica-router.replicas[0].url=" + this.cluster.replica(0).jdbcUrl(),
					"replica-router.replicas[0].password=" + RoutingTestCluster.PASSWORD,
					"replica-router.replicas[1].url=" + this.cluster.replica(1).jdbcUrl(),
					"replica-router.replicas[1].password=" + WRONG_PASSWORD,
					"replica-router.replicas[1].hikari.connection-timeout=1000")
			.run()) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			TransactionTemplate readOnly = new TransactionTemplate(
					context.getBean(org.springframework.transaction.PlatformTransactionManager.class));
			readOnly.setReadOnly(true);
			List<Integer> servedBy = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				try {
					servedBy.add(readOnly.execute((status) -> jdbc.queryForObject(Server.QUERY,
							(rs, row) -> rs.getInt("port"))));
				}
				catch (RuntimeException ex) {
					failures.add(ex);
				}
			}
			jdbc.queryForObject("select 1", Integer.class);
			assertThat(failures).as("reads avoid the replica that refuses the password").isEmpty();
			assertThat(servedBy).containsOnly(this.cluster.replica(0).port());
			ReplicaHealthMonitor monitor = context.getBean(ReplicaHealthMonitor.class);
			NodeHealth refused = monitor.replicaHealth().get(1);
			assertThat(refused.state()).isEqualTo(NodeState.DOWN);
			assertThat(refused.detail()).contains("password authentication failed")
				.doesNotContain(WRONG_PASSWORD);
			try (Connection connection = context.getBean(ReplicaRoutingDataSource.class)
				.getReplicas()
				.get(1)
				.dataSource()
				.getConnection()) {
				failures.add(new AssertionError("replica-2 accepted a wrong password"));
			}
			catch (SQLException ex) {
				failures.add(ex);
			}
		}
		assertThat(messages(failures)).contains("password authentication failed")
			.doesNotContain(RoutingTestCluster.PASSWORD)
			.doesNotContain(WRONG_PASSWORD);
		assertThat(output.getAll()).contains("DEBUG")
			.doesNotContain(RoutingTestCluster.PASSWORD)
			.doesNotContain(WRONG_PASSWORD);
	}

	private static String messages(List<Throwable> failures) {
		StringBuilder messages = new StringBuilder();
		for (Throwable failure : failures) {
			for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
				messages.append(ex).append('\n');
			}
		}
		return messages.toString();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
			"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
	static class TestApplication {

	}

}
