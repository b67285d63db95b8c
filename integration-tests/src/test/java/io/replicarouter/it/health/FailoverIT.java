package io.replicarouter.it.health;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failover with a multi-host primary URL: the primary is stopped, the replica promoted,
 * and writes reach the new primary without restarting the application.
 */
class FailoverIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(1);

	@Test
	void writesReachThePromotedReplicaWithinTenSecondsAndNoneLandsOnTheOldPrimary() throws Exception {
		PostgresReplicationCluster cluster = extension.cluster();
		PostgresNode oldPrimary = cluster.primary();
		PostgresNode promoted = cluster.replica(0);
		try (Connection connection = oldPrimary.connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table ledger (id bigserial primary key, written_on int not null default "
					+ "inet_server_port())");
		}
		cluster.awaitReplication();
		String multiHost = "jdbc:postgresql://127.0.0.1:" + oldPrimary.port() + ",127.0.0.1:" + promoted.port() + "/"
				+ cluster.database() + "?targetServerType=primary&hostRecheckSeconds=1";
		try (ConfigurableApplicationContext context = RouterTestApplication.start(cluster,
				"spring.datasource.url=" + multiHost, "spring.datasource.hikari.connection-timeout=1000",
				"replica-router.health.probe-interval=200ms", "replica-router.health.max-backoff=1s")) {
			Queries queries = context.getBean(Queries.class);
			ReplicaHealthMonitor monitor = context.getBean(ReplicaHealthMonitor.class);
			long before = queries.write();
			cluster.awaitReplication();
			assertThat(writtenOn(promoted, before)).isEqualTo(oldPrimary.port());

			oldPrimary.stop();
			promoted.promote();
			long promotedAt = System.nanoTime();
			Long first = null;
			while (first == null) {
				try {
					first = queries.write();
				}
				catch (RuntimeException ex) {
					assertThat(Duration.ofNanos(System.nanoTime() - promotedAt))
						.as("writes failing since the promotion: " + ex.getMessage())
						.isLessThan(Duration.ofSeconds(10));
					Thread.sleep(100);
				}
			}
			assertThat(Duration.ofNanos(System.nanoTime() - promotedAt)).isLessThan(Duration.ofSeconds(10));
			List<Long> after = new ArrayList<>();
			after.add(first);
			for (int i = 0; i < 20; i++) {
				after.add(queries.write());
			}
			for (long id : after) {
				assertThat(writtenOn(promoted, id)).as("row " + id).isEqualTo(promoted.port());
			}
			assertThat(oldPrimary.isRunning()).isFalse();
			ReplicaHealthIT.awaitTrue(Duration.ofSeconds(5),
					() -> monitor.replicaHealth().get(0).state() == NodeState.MISCONFIGURED
							&& monitor.primaryHealth().state() == NodeState.UP);
			assertThat(queries.readOnly().port()).as("reads fall back to the new primary")
				.isEqualTo(promoted.port());
		}
	}

	private static int writtenOn(PostgresNode node, long id) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select written_on from ledger where id = " + id)) {
			assertThat(result.next()).as("row " + id + " on " + node.name()).isTrue();
			return result.getInt(1);
		}
	}

}
