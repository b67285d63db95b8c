package io.replicarouter.it.health;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.it.Server;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each balancing strategy's distribution of 2,000 read-only transactions over two real
 * replicas, counted by the port the server reported.
 */
class BalancingIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private static final int TRANSACTIONS = 2000;

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
	void roundRobinSplitsEvenly() {
		Map<String, Integer> served = run("replica-router.balancing=round-robin");
		assertThat(served).containsOnlyKeys("replica-1", "replica-2");
		assertThat(served.get("replica-1")).isBetween(950, 1050);
	}

	@Test
	void randomSplitsRoughlyEvenly() {
		Map<String, Integer> served = run("replica-router.balancing=random");
		assertThat(served).containsOnlyKeys("replica-1", "replica-2");
		assertThat(served.get("replica-1")).isBetween(900, 1100);
	}

	@Test
	void weightedFollowsTheWeightsWithinFivePercent() {
		Map<String, Integer> served = run("replica-router.balancing=weighted", "replica-router.replicas[0].weight=1",
				"replica-router.replicas[1].weight=3");
		assertThat(served.get("replica-1")).isBetween(475, 525);
		assertThat(served.get("replica-2")).isBetween(1425, 1575);
	}

	@Test
	void leastConnectionsAvoidsTheBusyReplica() throws SQLException {
		this.context = RouterTestApplication.start(extension.cluster(), "replica-router.balancing=least-connections");
		ReplicaRoutingDataSource router = this.context.getBean(ReplicaRoutingDataSource.class);
		List<Connection> held = new ArrayList<>();
		try {
			for (int i = 0; i < 3; i++) {
				held.add(router.getReplicas().get(0).dataSource().getConnection());
			}
			Map<String, Integer> served = servedBy(200);
			assertThat(served).containsOnlyKeys("replica-2");
		}
		finally {
			for (Connection connection : held) {
				connection.close();
			}
		}
		assertThat(servedBy(200)).containsOnlyKeys("replica-1", "replica-2");
	}

	@Test
	void leastLagAvoidsTheReplicaThatIsBehind() throws Exception {
		this.context = RouterTestApplication.start(extension.cluster(), "replica-router.balancing=least-lag",
				"replica-router.max-lag=60s", "replica-router.health.probe-interval=200ms");
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService writer = Executors.newSingleThreadExecutor();
		writer.submit(() -> {
			while (writing.get()) {
				this.context.getBean(Queries.class).write();
				Thread.sleep(20);
			}
			return null;
		});
		try {
			extension.cluster().replica(0).setReplayDelay(Duration.ofSeconds(3));
			ReplicaHealthIT.awaitTrue(Duration.ofSeconds(10),
					() -> monitor.replicaHealth().get(0).lag().compareTo(Duration.ofSeconds(1)) > 0);
			Map<String, Integer> served = servedBy(500);
			assertThat(served.getOrDefault("replica-2", 0)).as(served.toString()).isGreaterThanOrEqualTo(475);
			assertThat(monitor.replicaHealth().get(0).isEligible()).as("still in rotation").isTrue();
		}
		finally {
			writing.set(false);
			writer.shutdown();
			writer.awaitTermination(10, TimeUnit.SECONDS);
		}
	}

	@Test
	void thePrimaryWithAReadWeightServesItsShareAndMoreWhenAReplicaLeaves() throws Exception {
		Map<String, Integer> served = run("replica-router.primary.read-weight=1",
				"replica-router.health.probe-interval=200ms");
		assertThat(served).as(served.toString()).containsOnlyKeys("primary", "replica-1", "replica-2");
		// a third each, within five percent of the reads
		for (String node : served.keySet()) {
			assertThat(served.get(node)).as(node + " in " + served).isBetween(567, 767);
		}
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		extension.cluster().replica(1).kill();
		ReplicaHealthIT.awaitTrue(Duration.ofSeconds(15), () -> !monitor.replicaHealth().get(1).isEligible());
		Map<String, Integer> withOneReplica = servedBy(TRANSACTIONS);
		assertThat(withOneReplica).as(withOneReplica.toString()).containsOnlyKeys("primary", "replica-1");
		assertThat(withOneReplica.get("primary")).as("a half with one replica of weight 1 left")
			.isBetween(900, 1100);
	}

	@Test
	void byDefaultThePrimaryServesNoReadWhileReplicasAreInRotation() {
		Map<String, Integer> served = run();
		assertThat(served).containsOnlyKeys("replica-1", "replica-2");
	}

	private Map<String, Integer> run(String... properties) {
		this.context = RouterTestApplication.start(extension.cluster(), properties);
		return servedBy(TRANSACTIONS);
	}

	private Map<String, Integer> servedBy(int transactions) {
		return Server.servedBy(extension.cluster(), transactions, this.context.getBean(Queries.class)::readOnly);
	}

}
