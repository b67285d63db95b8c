package io.replicarouter.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Runs a primary with two streaming replicas and checks what a test author relies on: roles, replication, lag
 * injection, crashes, restarts, stalls, authentication and clean-up.
 */
class PostgresReplicationClusterIT {

	@RegisterExtension
	static PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private PostgresReplicationCluster cluster() {
		return extension.cluster();
	}

	/** Every test leaves the shared cluster healthy for the next one, whatever happened. */
	@AfterEach
	void restoreCluster() {
		for (PostgresNode node : cluster().nodes()) {
			node.resume();
			node.start();
		}
		for (PostgresNode replica : cluster().replicas()) {
			replica.clearReplayDelay();
		}
		cluster().awaitStreaming(Duration.ofSeconds(30));
	}

	@Test
	void primaryIsWritableAndReplicasAreInRecoveryEachOnItsOwnPort() throws Exception {
		PostgresReplicationCluster cluster = cluster();
		assertThat(cluster.nodes()).extracting(PostgresNode::name)
			.containsExactly("primary", "replica-1", "replica-2");
		assertThat(cluster.nodes()).extracting(PostgresNode::port).doesNotHaveDuplicates();
		assertThat(cluster.primary().isPrimaryRole()).isTrue();
		assertThat(cluster.replicas()).noneMatch(PostgresNode::isPrimaryRole);
		for (PostgresNode node : cluster.nodes()) {
			assertThat(node.host()).isEqualTo("127.0.0.1");
			assertThat(node.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + node.port() + "/postgres");
			try (Connection connection = node.connect(); Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery(
							"select pg_is_in_recovery(), inet_server_port(), inet_server_addr()::text, current_user")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getBoolean(1)).as("%s in recovery", node.name()).isEqualTo(!node.isPrimaryRole());
				assertThat(rows.getInt(2)).isEqualTo(node.port());
				assertThat(rows.getString(3)).startsWith("127.0.0.1");
				assertThat(rows.getString(4)).isEqualTo("postgres");
			}
			// PostgreSQL refuses to run as root: as root, the servers run as nobody (65534).
			int expectedUid = OperatingSystem.isRoot() ? 65534 : Processes.uid(ProcessHandle.current().pid());
			assertThat(Processes.uid(node.postmasterPid())).isEqualTo(expectedUid);
		}
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(
						"select application_name from pg_stat_replication where state = 'streaming' order by 1")) {
			List<String> streaming = new ArrayList<>();
			while (rows.next()) {
				streaming.add(rows.getString(1));
			}
			assertThat(streaming).containsExactly("replica-1", "replica-2");
		}
	}

	@Test
	void rowsWrittenOnThePrimaryReachEveryReplicaWhichRefusesWrites() throws Exception {
		PostgresReplicationCluster cluster = cluster();
		execute(cluster.primary(), "create table replicated (id int primary key, name text)",
				"insert into replicated values (1, 'one'), (2, 'two')");
		cluster.awaitReplication();
		for (PostgresNode replica : cluster.replicas()) {
			assertThat(names(replica, "replicated")).containsExactly("one", "two");
			assertThatExceptionOfType(SQLException.class)
				.isThrownBy(() -> execute(replica, "insert into replicated values (3, 'three')"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25006"));
		}
		assertThat(compareLsn(cluster.primary(), cluster.primary().lsn(), cluster.replica(0).lsn())).isGreaterThanOrEqualTo(0);
	}

	@Test
	void replayDelayMakesOneReplicaLagUntilCleared() throws Exception {
		PostgresReplicationCluster cluster = cluster();
		PostgresNode lagging = cluster.replica(0);
		PostgresNode upToDate = cluster.replica(1);
		execute(cluster.primary(), "create table lag (id int primary key, name text)");
		cluster.awaitReplication();

		lagging.setReplayDelay(Duration.ofSeconds(2));
		assertThat(queryString(lagging, "show recovery_min_apply_delay")).isEqualTo("2s");
		long inserted = System.nanoTime();
		execute(cluster.primary(), "insert into lag values (1, 'delayed')");
		assertThat(names(lagging, "lag")).isEmpty();
		cluster.awaitReplication(upToDate, Duration.ofSeconds(10));
		assertThat(names(upToDate, "lag")).containsExactly("delayed");
		assertThat(names(lagging, "lag")).isEmpty();

		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> names(lagging, "lag").contains("delayed"));
		assertThat(Duration.ofNanos(System.nanoTime() - inserted)).isGreaterThanOrEqualTo(Duration.ofMillis(1900));

		lagging.clearReplayDelay();
		assertThat(queryString(lagging, "show recovery_min_apply_delay")).isEqualTo("0");
		long insertedAgain = System.nanoTime();
		execute(cluster.primary(), "insert into lag values (2, 'prompt')");
		cluster.awaitReplication(lagging, Duration.ofSeconds(10));
		assertThat(Duration.ofNanos(System.nanoTime() - insertedAgain)).isLessThan(Duration.ofMillis(1900));
		assertThat(names(lagging, "lag")).containsExactly("delayed", "prompt");
	}

	@Test
	void killedReplicaRefusesConnectionsThenRejoinsAfterStart() throws Exception {
		PostgresReplicationCluster cluster = cluster();
		PostgresNode replica = cluster.replica(0);
		execute(cluster.primary(), "create table crash (id int primary key, name text)",
				"insert into crash values (1, 'before')");
		cluster.awaitReplication();
		long pid = replica.postmasterPid();
		List<Long> children = Processes.descendants(pid);
		assertThat(children).isNotEmpty();
		int port = replica.port();

		replica.kill();

		assertThat(replica.isRunning()).isFalse();
		assertThat(Processes.isAlive(pid)).isFalse();
		assertThat(children).noneMatch(Processes::isAlive);
		assertThatExceptionOfType(SQLException.class).isThrownBy(replica::connect)
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08001"));
		execute(cluster.primary(), "insert into crash values (2, 'while down')");

		replica.start();

		assertThat(replica.isRunning()).isTrue();
		assertThat(replica.port()).isEqualTo(port);
		assertThat(replica.postmasterPid()).isNotEqualTo(pid);
		execute(cluster.primary(), "insert into crash values (3, 'after')");
		cluster.awaitReplication();
		assertThat(names(replica, "crash")).containsExactly("before", "while down", "after");
		assertThat(queryString(replica, "select status from pg_stat_wal_receiver")).isEqualTo("streaming");
	}

	@Test
	void replicasReconnectToARestartedPrimary() throws Exception {
		PostgresReplicationCluster cluster = cluster();
		PostgresNode primary = cluster.primary();
		execute(primary, "create table restart (id int primary key, name text)",
				"insert into restart values (1, 'before')");
		cluster.awaitReplication();
		int port = primary.port();

		primary.stop();

		assertThat(primary.isRunning()).isFalse();
		assertThatExceptionOfType(SQLException.class).isThrownBy(primary::connect)
			.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08001"));
		for (PostgresNode replica : cluster.replicas()) {
			assertThat(names(replica, "restart")).containsExactly("before");
		}

		primary.start();

		assertThat(primary.port()).isEqualTo(port);
		cluster.awaitStreaming(Duration.ofSeconds(30));
		execute(primary, "insert into restart values (2, 'after')");
		cluster.awaitReplication();
		for (PostgresNode replica : cluster.replicas()) {
			assertThat(names(replica, "restart")).containsExactly("before", "after");
			assertThat(queryString(replica, "select status from pg_stat_wal_receiver")).isEqualTo("streaming");
		}
	}

	@Test
	void pausedReplicaDoesNotAnswerUntilResumed() throws Exception {
		PostgresReplicationCluster cluster = cluster();
		PostgresNode replica = cluster.replica(1);
		long pid = replica.postmasterPid();
		List<Long> children = Processes.descendants(pid);

		replica.pause();

		assertThat(replica.isPaused()).isTrue();
		assertThat(replica.isRunning()).isTrue();
		assertThat(Processes.state(pid)).isEqualTo('T');
		// A backend that exited just before the pause stays a zombie: its stopped parent cannot reap it.
		assertThat(children).allMatch((child) -> Processes.state(child) == 'T' || Processes.state(child) == 'Z'
				|| !Processes.isAlive(child));
		Properties timeouts = new Properties();
		timeouts.setProperty("connectTimeout", "1");
		timeouts.setProperty("socketTimeout", "1");
		timeouts.setProperty("loginTimeout", "2");
		long attempted = System.nanoTime();
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> {
			try (Connection connection = replica.connect(timeouts)) {
				connection.isValid(1);
			}
		});
		assertThat(Duration.ofNanos(System.nanoTime() - attempted)).isLessThan(Duration.ofSeconds(5));
		// The other replica is not affected, and waiting for replication skips the paused one.
		execute(cluster.primary(), "create table pause (id int)", "insert into pause values (1)");
		cluster.awaitReplication(Duration.ofSeconds(10));
		assertThat(queryString(cluster.replica(0), "select count(*) from pause")).isEqualTo("1");

		replica.resume();

		assertThat(replica.isPaused()).isFalse();
		assertThat(Processes.state(pid)).isNotEqualTo('T');
		try (Connection connection = replica.connect(timeouts)) {
			assertThat(connection.isValid(1)).isTrue();
		}
		cluster.awaitReplication();
		assertThat(queryString(replica, "select count(*) from pause")).isEqualTo("1");
	}

	@Test
	void wrongPasswordIsRejected() throws Exception {
		Properties wrong = new Properties();
		wrong.setProperty("password", "not-the-password");
		for (PostgresNode node : cluster().nodes()) {
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> node.connect(wrong).close())
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("28P01"));
		}
		try (Connection connection = cluster().primary().connect(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(
						"select rolpassword like 'SCRAM-SHA-256$%' from pg_authid where rolname = current_user")) {
			assertThat(rows.next()).isTrue();
			assertThat(rows.getBoolean(1)).isTrue();
		}
	}

	@Test
	void closeStopsEveryServerAndDeletesTheDirectory() throws Exception {
		PostgresReplicationCluster other = PostgresReplicationCluster.builder().replicas(2).build().start();
		Path directory = other.directory();
		List<Long> postmasters = new ArrayList<>();
		List<Long> pids = new ArrayList<>();
		List<String> sharedMemory = new ArrayList<>();
		for (PostgresNode node : other.nodes()) {
			postmasters.add(node.postmasterPid());
			pids.add(node.postmasterPid());
			pids.addAll(Processes.descendants(node.postmasterPid()));
			sharedMemory.add(Processes.sharedMemoryId(node.dataDirectory()));
		}
		// Only the postmasters must be alive now: a child (an autovacuum worker, a backend)
		// may come and go between the listing and the check. None of them may outlive close().
		assertThat(postmasters).allMatch(Processes::isAlive);
		assertThat(Processes.sharedMemoryIds()).containsAll(sharedMemory);
		assertThat(Files.isDirectory(other.primary().dataDirectory())).isTrue();
		other.replica(0).pause();
		// A crashed node leaves its shared memory behind: close() must release it too.
		other.replica(1).pause();
		other.replica(1).kill();
		assertThat(other.replica(1).isRunning()).isFalse();

		other.close();

		assertThat(other.isClosed()).isTrue();
		assertThat(pids).noneMatch(Processes::isAlive);
		assertThat(directory).doesNotExist();
		assertThat(Processes.sharedMemoryIds()).doesNotContainAnyElementsOf(sharedMemory);
		for (PostgresNode node : other.nodes()) {
			assertThat(node.isRunning()).isFalse();
			assertThatExceptionOfType(SQLException.class).isThrownBy(node::connect)
				.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("08001"));
		}
		other.close();
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(other::start);
	}

	static void execute(PostgresNode node, String... statements) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	static String queryString(PostgresNode node, String sql) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			assertThat(rows.next()).isTrue();
			return rows.getString(1);
		}
	}

	static List<String> names(PostgresNode node, String table) throws SQLException {
		List<String> names = new ArrayList<>();
		try (Connection connection = node.connect(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select name from " + table + " order by id")) {
			while (rows.next()) {
				names.add(rows.getString(1));
			}
		}
		return names;
	}

	private static int compareLsn(PostgresNode node, String left, String right) throws SQLException {
		return Integer.parseInt(queryString(node,
				"select sign(pg_wal_lsn_diff('" + left + "'::pg_lsn, '" + right + "'::pg_lsn))::int"));
	}

}
