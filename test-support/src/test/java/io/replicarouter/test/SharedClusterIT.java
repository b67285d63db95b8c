package io.replicarouter.test;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.replicarouter.test.PostgresReplicationClusterIT.execute;
import static io.replicarouter.test.PostgresReplicationClusterIT.names;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JVM-wide shared cluster: one per replica count, started once, not closed by the extension.
 */
class SharedClusterIT {

	@RegisterExtension
	static PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.shared(1);

	@Test
	void sharedClusterIsOnePerReplicaCountAndRunning(PostgresReplicationCluster injected) throws SQLException {
		PostgresReplicationCluster shared = PostgresReplicationCluster.shared(1);
		assertThat(injected).isSameAs(shared).isSameAs(extension.cluster());
		assertThat(shared.isStarted()).isTrue();
		assertThat(shared.replicas()).hasSize(1);
		execute(shared.primary(), "create table shared_check (id int primary key, name text)",
				"insert into shared_check values (1, 'shared')");
		shared.awaitReplication();
		assertThat(names(shared.replica(0), "shared_check")).containsExactly("shared");
	}

	@Test
	void springBootPropertiesPointAtThePrimaryAndEveryReplica() {
		PostgresReplicationCluster shared = PostgresReplicationCluster.shared(1);
		assertThat(shared.springBootProperties()).containsExactly(
				org.assertj.core.api.Assertions.entry("spring.datasource.url", shared.primary().jdbcUrl()),
				org.assertj.core.api.Assertions.entry("spring.datasource.username", shared.username()),
				org.assertj.core.api.Assertions.entry("spring.datasource.password", shared.password()),
				org.assertj.core.api.Assertions.entry("replica-router.replicas[0].url", shared.replica(0).jdbcUrl()));
	}

	@Test
	void healUndoesStoppedNodesAndReplayDelays() throws SQLException {
		PostgresReplicationCluster shared = PostgresReplicationCluster.shared(1);
		PostgresNode replica = shared.replica(0);
		replica.setReplayDelay(java.time.Duration.ofSeconds(30));
		replica.stop();
		assertThat(replica.isRunning()).isFalse();
		execute(shared.primary(), "create table heal_check (id int primary key, name text)",
				"insert into heal_check values (1, 'healed')");
		assertThat(shared.heal()).isSameAs(shared);
		assertThat(replica.isRunning()).isTrue();
		assertThat(names(replica, "heal_check")).containsExactly("healed");
		try (java.sql.Connection connection = replica.connect();
				java.sql.Statement statement = connection.createStatement();
				java.sql.ResultSet result = statement.executeQuery("show recovery_min_apply_delay")) {
			result.next();
			assertThat(result.getString(1)).isEqualTo("0");
		}
	}

}
