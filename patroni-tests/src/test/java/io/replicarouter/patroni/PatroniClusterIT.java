package io.replicarouter.patroni;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fixture itself, on a real cluster of three members: replication, a switchover, a
 * failover with the former leader rejoining, a member added with a tag, and REST APIs made
 * unreachable while PostgreSQL serves. The tests run in order on one cluster, each starting
 * from the healthy cluster the previous one left.
 * <p>
 * Skipped, saying so, where etcd, Patroni or PostgreSQL 15 is not installed
 * ({@code .ci/run} installs them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniClusterIT {

	private static final HttpClient HTTP = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private static final ObjectMapper JSON = new ObjectMapper();

	private Optional<String> unavailable;

	private PatroniCluster cluster;

	@BeforeAll
	void start() {
		this.unavailable = PatroniCluster.unavailableReason();
		if (this.unavailable.isPresent()) {
			System.out.println("PatroniClusterIT skipped: " + this.unavailable.get());
			return;
		}
		Path workDir = Path.of(System.getProperty("patroni.work-dir", "target/patroni-clusters"))
			.resolve("PatroniClusterIT-" + System.currentTimeMillis());
		long started = System.nanoTime();
		this.cluster = PatroniCluster.start(workDir, 3);
		System.out.printf("Patroni cluster of 3 members healthy in %d ms (files and logs: %s)%n",
				Duration.ofNanos(System.nanoTime() - started).toMillis(), workDir.toAbsolutePath());
	}

	@BeforeEach
	void requirePrograms() {
		// Here rather than in @BeforeAll, so that every test is reported skipped, with the reason.
		assumeTrue(this.unavailable.isEmpty(), () -> "PatroniClusterIT skipped: " + this.unavailable.orElse(""));
	}

	@AfterAll
	void stop() {
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	@Order(1)
	void startsWithOneLeaderAndStreamingReplicas() throws Exception {
		List<PatroniCluster.Member> members = this.cluster.members();
		assertThat(members).extracting(PatroniCluster.Member::name).containsExactly("pg0", "pg1", "pg2");
		assertThat(members).filteredOn(PatroniCluster.Member::isLeader)
			.singleElement()
			.satisfies((leader) -> {
				assertThat(leader.name()).isEqualTo("pg0");
				assertThat(leader.state()).isEqualTo("running");
				assertThat(leader.lagBytes()).isNull();
			});
		Integer timeline = members.get(0).timeline();
		assertThat(members).filteredOn(PatroniCluster.Member::isReplica)
			.extracting(PatroniCluster.Member::name)
			.containsExactly("pg1", "pg2");
		for (PatroniCluster.Member replica : members.subList(1, 3)) {
			// Patroni 3.0.2 says "running" of a streaming replica.
			assertThat(replica.state()).isEqualTo("running");
			assertThat(replica.lagBytes()).isZero();
			assertThat(replica.timeline()).isEqualTo(timeline);
			assertThat(replica.host()).isEqualTo("127.0.0.1");
			assertThat(replica.port()).isEqualTo(this.cluster.pgPort(replica.name()));
		}
		JsonNode leaderStatus = JSON.readTree(get(this.cluster.restUrl("pg0") + "/patroni").body());
		assertThat(leaderStatus.path("role").asString()).isEqualTo("master");
		Map<String, String> walSenders = new TreeMap<>();
		leaderStatus.path("replication")
			.forEach((sender) -> walSenders.put(sender.path("application_name").asString(),
					sender.path("state").asString()));
		assertThat(walSenders).isEqualTo(Map.of("pg1", "streaming", "pg2", "streaming"));
		assertThat(this.cluster.restUrls()).hasSize(3).allMatch((url) -> url.startsWith("http://127.0.0.1:"));
		assertThat(this.cluster.jdbcUrl("pg1"))
			.isEqualTo("jdbc:postgresql://127.0.0.1:" + this.cluster.pgPort("pg1") + "/postgres");
		assertThat(get(this.cluster.restUrl("pg0") + "/primary").statusCode()).isEqualTo(200);
		assertThat(get(this.cluster.restUrl("pg1") + "/replica").statusCode()).isEqualTo(200);
		assertThat(get(this.cluster.restUrl("pg1") + "/primary").statusCode()).isEqualTo(503);
		assertThat(this.cluster.patronictl("list")).contains(PatroniCluster.SCOPE, "pg0", "Leader", "Replica");
	}

	@Test
	@Order(2)
	void replicatesWritesFromTheLeader() throws Exception {
		String leader = this.cluster.leader();
		try (Connection connection = this.cluster.connect(leader); Statement statement = connection.createStatement()) {
			statement.execute("create table smoke (id int primary key, written_on text)");
			statement.execute("insert into smoke values (1, '" + leader + "')");
			assertThat(inRecovery(connection)).isFalse();
		}
		for (String replica : this.cluster.replicas()) {
			assertThat(awaitRow(replica, 1)).isEqualTo(leader);
			try (Connection connection = this.cluster.connect(replica);
					Statement statement = connection.createStatement()) {
				assertThat(inRecovery(connection)).isTrue();
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> statement.execute("insert into smoke values (2, 'replica')"))
					.satisfies((ex) -> assertThat(ex.getSQLState()).isEqualTo("25006"));
			}
		}
	}

	@Test
	@Order(3)
	void switchesOver() throws Exception {
		String old = this.cluster.leader();
		Integer timeline = this.cluster.member(old).orElseThrow().timeline();
		String candidate = this.cluster.replicas().get(0);
		this.cluster.switchover(candidate);
		assertThat(this.cluster.leader()).isEqualTo(candidate);
		PatroniCluster.Member former = this.cluster.member(old).orElseThrow();
		assertThat(former.isReplica()).isTrue();
		assertThat(former.timeline()).isGreaterThan(timeline);
		assertThat(get(this.cluster.restUrl(candidate) + "/primary").statusCode()).isEqualTo(200);
		insert(candidate, 2);
		assertThat(awaitRow(old, 2)).isEqualTo(candidate);
	}

	@Test
	@Order(4)
	void failsOverAndTheFormerLeaderRejoins() throws Exception {
		PatroniCluster.Failover failover = this.cluster.failover();
		System.out.printf("Failover from %s to %s: %d ms without a leader (ttl %d s)%n", failover.oldLeader(),
				failover.newLeader(), failover.leaderless().toMillis(), PatroniCluster.TTL.toSeconds());
		assertThat(failover.newLeader()).isNotEqualTo(failover.oldLeader());
		assertThat(this.cluster.leader()).isEqualTo(failover.newLeader());
		PatroniCluster.Member former = this.cluster.member(failover.oldLeader()).orElseThrow();
		assertThat(former.isReplica()).isTrue();
		assertThat(former.state()).isEqualTo("running");
		assertThat(former.lagBytes()).isZero();
		assertThat(former.timeline()).isEqualTo(this.cluster.member(failover.newLeader()).orElseThrow().timeline());
		assertThat(Files.readString(this.cluster.log(failover.oldLeader()))).contains("running pg_rewind from "
				+ failover.newLeader(), "pg_rewind: Done!");
		try (Connection connection = this.cluster.connect(failover.oldLeader())) {
			assertThat(inRecovery(connection)).isTrue();
		}
		insert(failover.newLeader(), 3);
		assertThat(awaitRow(failover.oldLeader(), 3)).isEqualTo(failover.newLeader());
	}

	@Test
	@Order(5)
	void addsAMemberWithTags() throws Exception {
		String leader = this.cluster.leader();
		String added = this.cluster.addMember(Map.of("noloadbalance", true, "nofailover", true));
		assertThat(added).isEqualTo("pg3");
		PatroniCluster.Member member = this.cluster.member(added).orElseThrow();
		assertThat(member.isReplica()).isTrue();
		assertThat(member.lagBytes()).isZero();
		assertThat(member.tags()).containsEntry("noloadbalance", true).containsEntry("nofailover", true);
		assertThat(awaitRow(added, 3)).isNotNull();
		// noloadbalance: the member says it is no replica to balance reads over.
		assertThat(get(this.cluster.restUrl(added) + "/replica").statusCode()).isEqualTo(503);
		String other = this.cluster.replicas().stream().filter((name) -> !name.equals(added)).findFirst().orElseThrow();
		assertThat(get(this.cluster.restUrl(other) + "/replica").statusCode()).isEqualTo(200);
		// nofailover: Patroni refuses to promote it.
		assertThatIllegalStateException().isThrownBy(() -> this.cluster.switchover(added))
			.withMessageContaining("412");
		assertThat(this.cluster.leader()).isEqualTo(leader);
	}

	@Test
	@Order(6)
	void aCrashedReplicaRefusesRestAndRejoins() throws Exception {
		String leader = this.cluster.leader();
		String replica = this.cluster.replicas().get(0);
		this.cluster.crashMember(replica);
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> get(this.cluster.restUrl(replica) + "/patroni"));
		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> this.cluster.connect(replica).close());
		assertThat(this.cluster.awaitHealthy(PatroniCluster.HEALTHY_TIMEOUT)).isEqualTo(leader);
		this.cluster.restartMember(replica);
		assertThat(this.cluster.member(replica).orElseThrow().lagBytes()).isZero();
		assertThat(this.cluster.leader()).isEqualTo(leader);
	}

	@Test
	@Order(7)
	void aKilledLeaderPostmasterStartsAgainOnTheSameMember() throws Exception {
		String leader = this.cluster.leader();
		int timeline = this.cluster.member(leader).orElseThrow().timeline();
		assertThat(this.cluster.killLeaderPostmaster()).isEqualTo(leader);
		// Patroni keeps the leader lock, recovers and promotes its PostgreSQL again: a new timeline.
		long deadline = System.nanoTime() + PatroniCluster.HEALTHY_TIMEOUT.toNanos();
		while (this.cluster.member(leader).map(PatroniCluster.Member::timeline).orElse(timeline) <= timeline) {
			assertThat(System.nanoTime()).as("a new timeline on %s", leader).isLessThan(deadline);
			Thread.sleep(100);
		}
		assertThat(this.cluster.awaitHealthy(PatroniCluster.HEALTHY_TIMEOUT)).isEqualTo(leader);
		insert(leader, 4);
		for (String member : this.cluster.replicas()) {
			assertThat(awaitRow(member, 4)).isEqualTo(leader);
		}
	}

	@Test
	@Order(8)
	void withoutPrimaryStartTimeoutAKilledLeaderPostmasterFailsOver() throws Exception {
		this.cluster.configure(Map.of("primary_start_timeout", 0));
		try {
			String old = this.cluster.killLeaderPostmaster();
			String promoted = this.cluster.awaitLeaderOtherThan(old, PatroniCluster.HEALTHY_TIMEOUT);
			// The former leader rejoins by itself, its Patroni never stopped.
			assertThat(this.cluster.awaitHealthy(PatroniCluster.HEALTHY_TIMEOUT)).isEqualTo(promoted);
			assertThat(this.cluster.member(old).orElseThrow().isReplica()).isTrue();
			insert(promoted, 5);
			assertThat(awaitRow(old, 5)).isEqualTo(promoted);
		}
		finally {
			Map<String, Object> reset = new java.util.HashMap<>();
			reset.put("primary_start_timeout", null);
			assertThat(this.cluster.configure(reset).has("primary_start_timeout")).isFalse();
		}
	}

	@Test
	@Order(9)
	void pausedRestApisTimeOutWhilePostgresServes() throws Exception {
		String leader = this.cluster.leader();
		int timeline = this.cluster.member(leader).orElseThrow().timeline();
		long paused = System.nanoTime();
		this.cluster.pauseRestApis();
		try {
			for (String url : this.cluster.restUrls()) {
				assertThatExceptionOfType(HttpTimeoutException.class).isThrownBy(() -> HTTP.send(
						HttpRequest.newBuilder(URI.create(url + "/cluster")).timeout(Duration.ofSeconds(1)).build(),
						HttpResponse.BodyHandlers.ofString()));
			}
			// Longer than the leader key lives, PostgreSQL serving throughout.
			int id = 100;
			do {
				insert(leader, ++id);
				Thread.sleep(500);
			}
			while (Duration.ofNanos(System.nanoTime() - paused).compareTo(PatroniCluster.TTL.plusSeconds(2)) < 0);
			for (String member : this.cluster.memberNames()) {
				assertThat(awaitRow(member, id)).isEqualTo(leader);
			}
		}
		finally {
			this.cluster.resumeRestApis();
		}
		for (String url : this.cluster.restUrls()) {
			assertThat(get(url + "/patroni").statusCode()).isEqualTo(200);
		}
		// No failover: the same leader, on the same timeline.
		assertThat(this.cluster.awaitHealthy(PatroniCluster.HEALTHY_TIMEOUT)).isEqualTo(leader);
		assertThat(this.cluster.member(leader).orElseThrow().timeline()).isEqualTo(timeline);
	}

	private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static boolean inRecovery(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select pg_is_in_recovery()")) {
			result.next();
			return result.getBoolean(1);
		}
	}

	private void insert(String member, int id) throws SQLException {
		try (Connection connection = this.cluster.connect(member);
				PreparedStatement statement = connection.prepareStatement("insert into smoke values (?, ?)")) {
			statement.setInt(1, id);
			statement.setString(2, member);
			statement.executeUpdate();
		}
	}

	/**
	 * Read a row on a member, waiting up to 10 s for it to be replayed there.
	 * @return the member that wrote it
	 */
	private String awaitRow(String member, int id) throws SQLException, InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		try (Connection connection = this.cluster.connect(member);
				PreparedStatement statement = connection
					.prepareStatement("select written_on from smoke where id = ?")) {
			statement.setInt(1, id);
			while (true) {
				try (ResultSet result = statement.executeQuery()) {
					if (result.next()) {
						return result.getString(1);
					}
				}
				if (System.nanoTime() > deadline) {
					throw new AssertionError("Row " + id + " not on " + member + " after 10 s\n"
							+ this.cluster.diagnostics());
				}
				Thread.sleep(100);
			}
		}
	}

}
