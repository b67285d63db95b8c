package io.replicarouter.it.damping;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A standby of another cluster, configured as a replica, is MISCONFIGURED: its
 * system_identifier is not the primary's, whatever its WAL position says.
 */
class ForeignClusterReplicaIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(1);

	private ConfigurableApplicationContext context;

	private PostgresReplicationCluster other;

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		if (this.other != null) {
			this.other.close();
		}
	}

	@Test
	void standbyOfAnotherClusterIsMisconfiguredAndNeverServesReads() throws Exception {
		this.other = PostgresReplicationCluster.builder().replicas(1).build().start();
		PostgresNode stranger = this.other.replica(0);
		PostgresReplicationCluster cluster = extension.cluster();
		this.context = RouterTestApplication.start(cluster, "replica-router.replicas[1].name=stranger",
				"replica-router.replicas[1].url=" + stranger.jdbcUrl(),
				"replica-router.replicas[1].username=" + this.other.username(),
				"replica-router.replicas[1].password=" + this.other.password());
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		ReplicaFaultsUnderReadLoadIT.await(Duration.ofSeconds(20),
				() -> state(monitor, "replica-1") == NodeState.UP && state(monitor, "replica-stranger") != NodeState.UNKNOWN);
		NodeHealth health = health(monitor, "replica-stranger");
		String ours = systemIdentifier(cluster.primary());
		String theirs = systemIdentifier(stranger);
		System.out.println("Standby of another cluster: " + health);
		assertThat(theirs).isNotEqualTo(ours);
		assertThat(health.state()).isEqualTo(NodeState.MISCONFIGURED);
		assertThat(health.isEligible()).isFalse();
		assertThat(health.detail()).contains("another cluster", theirs, ours, "pg_basebackup");
		assertThat(monitor.eligibleReplicas()).extracting((replica) -> replica.node().name())
			.containsExactly("replica-1");
		Queries queries = this.context.getBean(Queries.class);
		for (int i = 0; i < 20; i++) {
			assertThat(queries.readOnly().port()).as("never read from the stranger")
				.isEqualTo(cluster.replica(0).port());
		}
	}

	private static String systemIdentifier(PostgresNode node) throws Exception {
		try (Connection connection = node.connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select system_identifier::text from pg_control_system()")) {
			result.next();
			return result.getString(1);
		}
	}

	private static NodeHealth health(ReplicaHealthMonitor monitor, String name) {
		return monitor.replicaHealth()
			.stream()
			.filter((health) -> health.node().name().equals(name))
			.findFirst()
			.orElseThrow();
	}

	private static NodeState state(ReplicaHealthMonitor monitor, String name) {
		return health(monitor, name).state();
	}

}
