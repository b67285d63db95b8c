package io.replicarouter.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Runs the Testcontainers backend (a primary and two replicas in Docker) and checks roles, replication, lag
 * injection, crashes and restarts, and promotion. Skipped when no Docker engine is available.
 */
class ContainerReplicationClusterIT {

	private static ContainerReplicationCluster cluster;

	/** Per test, so that each test is reported as skipped, with the reason, when Docker is not available. */
	@BeforeEach
	void startCluster() {
		DockerAvailable.assumeDocker();
		if (cluster == null) {
			cluster = ContainerReplicationCluster.builder().replicas(2).build().start();
		}
	}

	@AfterAll
	static void closeCluster() {
		if (cluster != null) {
			cluster.close();
		}
	}

	/** Every test leaves the cluster healthy for the next one. */
	@AfterEach
	void restoreCluster() {
		if (cluster == null) {
			return;
		}
		for (ContainerNode node : cluster.nodes()) {
			node.resume();
			node.start();
		}
		for (ContainerNode replica : cluster.replicas()) {
			replica.clearReplayDelay();
		}
		cluster.awaitStreaming(Duration.ofSeconds(60));
	}

	@Test
	void primaryIsWritableAndReplicasStreamFromIt() throws Exception {
		assertThat(cluster.nodes()).extracting(ContainerNode::name).containsExactly("primary", "replica-1", "replica-2");
		for (ContainerNode node : cluster.nodes()) {
			assertThat(node.jdbcUrl()).isEqualTo("jdbc:postgresql://" + node.host() + ":" + node.port() + "/postgres");
			assertThat(queryString(node, "select pg_is_in_recovery()")).isEqualTo(node.isPrimaryRole() ? "f" : "t");
		}
		assertThat(strings(cluster.primary(),
				"select application_name from pg_stat_replication where state = 'streaming' order by 1"))
			.containsExactly("replica-1", "replica-2");
		assertThat(cluster.springBootProperties()).containsEntry("spring.datasource.url", cluster.primary().jdbcUrl())
			.containsEntry("replica-router.replicas[1].url", cluster.replica(1).jdbcUrl());
	}

	@Test
	void rowsWrittenOnThePrimaryReachEveryReplicaWhichRefusesWrites() throws Exception {
		execute(cluster.primary(), "create table replicated (id int primary key, name text)",
				"insert into replicated values (1, 'one'), (2, 'two')");
		cluster.awaitReplication();
		for (ContainerNode replica : cluster.replicas()) {
			assertThat(strings(replica, "select name from replicated order by id")).containsExactly("one", "two");
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> execute(replica, "insert into replicated values (3, 'three')"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25006"));
		}
	}

	@Test
	void replayDelayMakesOneReplicaLagUntilCleared() throws Exception {
		ContainerNode lagging = cluster.replica(0);
		ContainerNode upToDate = cluster.replica(1);
		execute(cluster.primary(), "create table lag (id int primary key)");
		cluster.awaitReplication();

		lagging.setReplayDelay(Duration.ofSeconds(30));
		assertThat(queryString(lagging, "show recovery_min_apply_delay")).isEqualTo("30s");
		execute(cluster.primary(), "insert into lag values (1)");
		cluster.awaitReplication(upToDate, Duration.ofSeconds(30));
		assertThat(strings(upToDate, "select id::text from lag")).containsExactly("1");
		assertThat(strings(lagging, "select id::text from lag")).isEmpty();

		lagging.clearReplayDelay();
		await().atMost(Duration.ofSeconds(30)).until(() -> strings(lagging, "select id::text from lag").contains("1"));
	}

	@Test
	void killedAndStoppedNodesComeBackAndCatchUp() throws Exception {
		ContainerNode replica = cluster.replica(1);
		execute(cluster.primary(), "create table crash (id int primary key)");
		cluster.awaitReplication();

		replica.kill();
		assertThat(replica.isRunning()).isFalse();
		execute(cluster.primary(), "insert into crash values (1)");
		replica.start();
		cluster.awaitReplication(replica, Duration.ofSeconds(30));
		assertThat(strings(replica, "select id::text from crash")).containsExactly("1");

		cluster.primary().restart();
		cluster.awaitStreaming(Duration.ofSeconds(60));
		execute(cluster.primary(), "insert into crash values (2)");
		cluster.awaitReplication();
		assertThat(strings(cluster.replica(0), "select id::text from crash order by id")).containsExactly("1", "2");
	}

	@Test
	void promotedReplicaAcceptsWrites() throws Exception {
		try (ContainerReplicationCluster own = ContainerReplicationCluster.builder().replicas(1).build().start()) {
			ContainerNode primary = own.primary();
			ContainerNode replica = own.replica(0);
			assertThatIllegalStateException().isThrownBy(primary::promote);
			execute(primary, "create table failover (id int primary key)", "insert into failover values (1)");
			own.awaitReplication();

			primary.stop();
			replica.promote();

			assertThat(replica.isPromoted()).isTrue();
			assertThat(queryString(replica, "select pg_is_in_recovery()")).isEqualTo("f");
			execute(replica, "insert into failover values (2)");
			assertThat(strings(replica, "select id::text from failover order by id")).containsExactly("1", "2");
		}
	}

	static void execute(ReplicationNode node, String... statements) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	static String queryString(ReplicationNode node, String sql) throws SQLException {
		List<String> values = strings(node, sql);
		return values.isEmpty() ? null : values.get(0);
	}

	static List<String> strings(ReplicationNode node, String sql) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			List<String> values = new ArrayList<>();
			while (rows.next()) {
				values.add(rows.getString(1));
			}
			return values;
		}
	}

}
