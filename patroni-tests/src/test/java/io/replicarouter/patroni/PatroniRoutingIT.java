package io.replicarouter.patroni;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.replicarouter.actuate.ReplicationEndpoint;
import io.replicarouter.actuate.ReplicationHealthIndicator;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.topology.TopologySource;
import io.replicarouter.topology.TopologyStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An ordinary Boot JDBC application with one line of replica-router configuration,
 * {@code replica-router.patroni.urls}, against a real Patroni cluster (three members on
 * etcd, {@link PatroniCluster}) under 8 threads of load (4 reading in
 * {@code @Transactional(readOnly = true)} methods, 4 writing): a switchover and a failover
 * lose no read and no acknowledged write, writes are acknowledged again within the bound
 * the README documents, the former leader serves reads again once it streams, a member
 * added while the application runs serves reads and one tagged {@code noloadbalance}
 * none, and with every REST API gone routing goes on while health says so.
 * <p>
 * The cluster acknowledges a write once a standby has it ({@code synchronous_standby_names
 * = 'ANY 1 (*)'}), which is what a deployment that must lose no acknowledged write in a
 * failover sets: Patroni promotes the most advanced replica, which then has every
 * acknowledged write. With asynchronous replication Patroni may promote a replica that
 * misses the last writes, whatever the application does. (Patroni's own
 * {@code synchronous_mode} left the cluster without a leader after the leader's machine
 * died, each replica deferring to the other, in Patroni 3.0.2 here.) The failover kills
 * the leader's Patroni and postmaster, as when its machine dies: a postmaster killed alone
 * is restarted in place by its Patroni.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PatroniRoutingIT {

	/**
	 * The bound the README documents for writes after a switchover: Patroni's switchover
	 * (the leader stops, the candidate is promoted) plus one poll interval (2 s) and the
	 * REST timeout (2 s), plus the pool's reconnect.
	 */
	private static final Duration SWITCHOVER_WRITE_BOUND = Duration.ofSeconds(20);

	/**
	 * The bound for writes after the leader's machine dies: Patroni's failover (the leader
	 * key's ttl, 8 s here, plus a loop) plus one poll interval and the REST timeout, plus the
	 * pool's reconnect.
	 */
	private static final Duration FAILOVER_WRITE_BOUND = Duration.ofSeconds(30);

	private PatroniCluster cluster;

	private ConfigurableApplicationContext context;

	private Ledger ledger;

	@BeforeAll
	void start() {
		Assumptions.assumeTrue(PatroniCluster.unavailableReason().isEmpty(),
				() -> PatroniCluster.unavailableReason().orElse(""));
		this.cluster = PatroniCluster.start(
				Path.of(System.getProperty("patroni.work-dir", "target/patroni-clusters"), "routing"), 3);
		this.cluster.configure(
				Map.of("postgresql", Map.of("parameters", Map.of("synchronous_standby_names", "ANY 1 (*)"))));
		this.cluster.awaitHealthy(PatroniCluster.HEALTHY_TIMEOUT);
		try (Connection connection = this.cluster.connect(this.cluster.leader());
				Statement statement = connection.createStatement()) {
			statement.execute("create table if not exists ledger (id bigint primary key)");
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			String names = "";
			while (names.isEmpty() && System.nanoTime() < deadline) {
				try (ResultSet rows = statement.executeQuery("show synchronous_standby_names")) {
					rows.next();
					names = rows.getString(1);
				}
				Thread.sleep(200);
			}
			assertThat(names).as("writes wait for a standby").isEqualTo("ANY 1 (*)");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		String hosts = this.cluster.memberNames()
			.stream()
			.map((member) -> "127.0.0.1:" + this.cluster.pgPort(member))
			.collect(Collectors.joining(","));
		this.context = new SpringApplicationBuilder(Application.class).web(WebApplicationType.NONE)
			.properties(
					// What a Patroni deployment's spring.datasource.url looks like without
					// replica-router: every member, the driver finding the writable one.
					"spring.datasource.url=jdbc:postgresql://" + hosts + "/postgres?targetServerType=primary",
					"spring.datasource.username=" + this.cluster.username(),
					"spring.datasource.password=" + this.cluster.password(),
					"replica-router.patroni.urls=" + String.join(",", this.cluster.restUrls()),
					// Exposed as a user exposes it to look at the topology.
					"management.endpoints.web.exposure.include=health,replication")
			.run();
		this.ledger = this.context.getBean(Ledger.class);
	}

	@AfterAll
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

	@Test
	@Order(1)
	void theApplicationFollowsTheClusterAndTheEndpointSaysWhereTheTopologyComesFrom() {
		String leader = this.cluster.leader();
		awaitReplicas(this.cluster.replicas());
		Map<String, Object> replication = this.context.getBean(ReplicationEndpoint.class).replication();
		@SuppressWarnings("unchecked")
		Map<String, Object> topology = (Map<String, Object>) replication.get("topology");
		assertThat(topology).containsEntry("source", "patroni")
			.containsEntry("leader", leader)
			.containsEntry("reachable", true)
			.containsKeys("lastChanged", "lastRefreshed", "members");
		assertThat(this.ledger.write(-1)).as("writes run on the leader").isEqualTo(this.cluster.pgPort(leader));
	}

	@Test
	@Order(2)
	void aSwitchoverUnderLoadLosesNoReadNorAcknowledgedWrite() throws Exception {
		awaitReplicas(this.cluster.replicas());
		String old = this.cluster.leader();
		// In synchronous mode Patroni promotes only the synchronous standby.
		String candidate = this.cluster.members()
			.stream()
			.filter((member) -> "sync_standby".equals(member.role()))
			.map(PatroniCluster.Member::name)
			.findFirst()
			.orElse(this.cluster.replicas().get(0));
		try (Load load = new Load(this.ledger, 4, 4)) {
			load.awaitProgress();
			long fault = System.nanoTime();
			this.cluster.switchover(candidate);
			load.awaitAcknowledgedAfter(fault, SWITCHOVER_WRITE_BOUND.multipliedBy(2));
			awaitReplicas(this.cluster.replicas());
			load.resetReadsByPort();
			load.awaitReadsOn(this.cluster.pgPort(old), Duration.ofSeconds(30));
			Load.Result result = load.stop();
			System.out.println("Patroni switchover " + old + " -> " + candidate + ": " + result.describe(fault));
			assertResult(result, fault, SWITCHOVER_WRITE_BOUND);
		}
	}

	@Test
	@Order(3)
	void aFailoverUnderLoadLosesNoReadNorAcknowledgedWriteAndTheOldLeaderServesReadsAgain() throws Exception {
		awaitReplicas(this.cluster.replicas());
		try (Load load = new Load(this.ledger, 4, 4)) {
			load.awaitProgress();
			long fault = System.nanoTime();
			// The leader's machine dies: its Patroni and its postmaster are killed, its leader
			// key expires, the synchronous standby is promoted; then it comes back and rejoins.
			PatroniCluster.Failover failover = this.cluster.failover();
			String old = failover.oldLeader();
			String promoted = failover.newLeader();
			load.awaitAcknowledgedAfter(fault, FAILOVER_WRITE_BOUND.multipliedBy(2));
			this.cluster.awaitHealthy(PatroniCluster.HEALTHY_TIMEOUT);
			awaitReplicas(this.cluster.replicas());
			load.resetReadsByPort();
			load.awaitReadsOn(this.cluster.pgPort(old), Duration.ofSeconds(30));
			Load.Result result = load.stop();
			System.out.println("Patroni failover (" + old + "'s Patroni and postmaster killed, no leader for "
					+ failover.leaderless().toMillis() + " ms) -> " + promoted + ": " + result.describe(fault));
			assertResult(result, fault, FAILOVER_WRITE_BOUND);
		}
	}

	@Test
	@Order(4)
	void aMemberAddedWhileTheApplicationRunsServesReadsAndANoloadbalanceMemberNone() throws Exception {
		String added = this.cluster.addMember(Map.of());
		String excluded = this.cluster.addMember(Map.of("noloadbalance", true));
		awaitReplicas(this.cluster.replicas().stream().filter((member) -> !member.equals(excluded)).toList());
		try (Load load = new Load(this.ledger, 4, 0)) {
			load.awaitReadsOn(this.cluster.pgPort(added), Duration.ofSeconds(30));
			Thread.sleep(3000);
			Load.Result result = load.stop();
			assertThat(result.readFailures()).isEmpty();
			assertThat(result.readsByPort()).as("no read on the noloadbalance member")
				.doesNotContainKey(this.cluster.pgPort(excluded));
		}
		assertThat(nodeNames()).contains(added).doesNotContain(excluded);
		TopologyStatus status = this.context.getBean(TopologySource.class).status();
		assertThat(status.members()).anySatisfy((member) -> assertThat(member).containsEntry("name", excluded)
			.containsEntry("servesReads", false));
	}

	@Test
	@Order(5)
	void withEveryRestApiGoneRoutingGoesOnWithTheLastTopologyAndHealthSaysSo() throws Exception {
		List<String> before = nodeNames();
		TopologySource topology = this.context.getBean(TopologySource.class);
		ReplicationHealthIndicator health = this.context.getBean(ReplicationHealthIndicator.class);
		this.cluster.pauseRestApis();
		try (Load load = new Load(this.ledger, 4, 4)) {
			await("the topology source to notice", Duration.ofSeconds(60), () -> !topology.status().isReachable());
			Health report = health.health(true);
			assertThat(report.getStatus().getCode()).isEqualTo("DEGRADED");
			assertThat(report.getDetails().get("topology").toString()).contains("reachable=false")
				.contains("Patroni is unreachable");
			long since = System.nanoTime();
			load.awaitAcknowledgedAfter(since, Duration.ofSeconds(10));
			Thread.sleep(3000);
			Load.Result result = load.stop();
			assertThat(result.readFailures()).isEmpty();
			assertThat(result.readsByPort()).isNotEmpty();
			assertThat(nodeNames()).as("the last known topology").isEqualTo(before);
		}
		finally {
			this.cluster.resumeRestApis();
		}
		await("the topology source to read the cluster again", Duration.ofSeconds(30),
				() -> topology.status().isReachable());
	}

	private void assertResult(Load.Result result, long fault, Duration bound) throws SQLException {
		assertThat(result.readFailures()).as("failed reads").isEmpty();
		assertThat(result.reads()).isPositive();
		assertThat(missingOnLeader(result.acknowledged())).as("acknowledged writes lost").isEmpty();
		assertThat(result.longestWriteGapAfter(fault)).as("writes acknowledged again within the documented bound")
			.isLessThanOrEqualTo(bound);
	}

	private List<Long> missingOnLeader(List<Long> acknowledged) throws SQLException {
		try (Connection connection = this.cluster.connect(this.cluster.leader());
				PreparedStatement statement = connection
					.prepareStatement("select id from unnest(?::bigint[]) as acknowledged(id) "
							+ "where not exists (select 1 from ledger where ledger.id = acknowledged.id)")) {
			statement.setArray(1, connection.createArrayOf("bigint", acknowledged.toArray()));
			try (ResultSet rows = statement.executeQuery()) {
				java.util.ArrayList<Long> missing = new java.util.ArrayList<>();
				while (rows.next()) {
					missing.add(rows.getLong(1));
				}
				return missing;
			}
		}
	}

	/**
	 * Wait until the router's replicas are the given members, each in rotation.
	 */
	private void awaitReplicas(List<String> members) {
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		await("replicas " + members + " in rotation", Duration.ofSeconds(60), () -> {
			List<String> names = nodeNames();
			return names.size() == members.size() && names.containsAll(members)
					&& members.stream().allMatch((member) -> {
						NodeHealth health = monitor.health(member);
						return health != null && health.isEligible();
					});
		});
	}

	private List<String> nodeNames() {
		return this.context.getBean(DatabaseNodes.class).replicas().stream().map(DataSourceNode::name).toList();
	}

	private void await(String what, Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out waiting for " + what + "; nodes " + nodeNames() + ", topology "
						+ this.context.getBean(TopologySource.class).status() + "\n" + this.cluster.diagnostics());
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError(ex);
			}
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Ledger.class)
	static class Application {

	}

	/**
	 * The application's service, written as any Boot application writes it.
	 */
	static class Ledger {

		private final JdbcTemplate jdbc;

		Ledger(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		/**
		 * Record an entry.
		 * @param id its id (negative ids only check where writes run)
		 * @return the port of the server that took it
		 */
		@Transactional
		public int write(long id) {
			if (id >= 0) {
				this.jdbc.update("insert into ledger (id) values (?)", id);
			}
			return this.jdbc.queryForObject("select inet_server_port()", Integer.class);
		}

		/**
		 * Read the ledger.
		 * @return the port of the server that served the read
		 */
		@Transactional(readOnly = true)
		public int read() {
			this.jdbc.queryForObject("select count(*) from ledger", Long.class);
			return this.jdbc.queryForObject("select inet_server_port()", Integer.class);
		}

	}

}
