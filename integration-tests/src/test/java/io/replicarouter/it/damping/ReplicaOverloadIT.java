package io.replicarouter.it.damping;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.actuate.ConnectionPoolsHealthIndicator;
import io.replicarouter.actuate.ReplicationHealthIndicator;
import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.RoutingStatistics;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Overload is not failure: three times as many concurrent read-only transactions as the
 * replica pools hold, for 10 s, with the starter's defaults. No replica leaves rotation,
 * the primary serves under 5 % of the reads, no read fails, the connectionPools health
 * shows the saturation and the replication health stays UP throughout (sampled every
 * 50 ms).
 */
class ReplicaOverloadIT {

	private static final Duration LOAD = Duration.ofSeconds(10);

	private static final int THREADS = 8;

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void createTables() {
		RouterTestApplication.createTables(extension.cluster());
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void threeTimesThePoolsInConcurrentReadsKeepEveryReplicaInRotation() throws Exception {
		// Boot's and the starter's defaults: pools of 10, borrow timeout 2 s, probes every 500 ms.
		this.context = RouterTestApplication.start(extension.cluster());
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		ReplicaFaultsUnderReadLoadIT.await(Duration.ofSeconds(20), () -> monitor.eligibleReplicas().size() == 2);
		DatabaseNodes nodes = this.context.getBean(DatabaseNodes.class);
		int replicaConnections = nodes.replicas()
			.stream()
			.mapToInt((replica) -> ((HikariDataSource) replica.dataSource()).getMaximumPoolSize())
			.sum();
		int threads = 3 * replicaConnections;
		Queries queries = this.context.getBean(Queries.class);
		HealthIndicator replication = this.context.getBean(ReplicationHealthIndicator.class);
		HealthIndicator pools = this.context.getBean(ConnectionPoolsHealthIndicator.class);
		RoutingStatistics statistics = this.context.getBean(RoutingStatistics.class);
		Set<String> replicationStatuses = new TreeSet<>();
		List<String> replicationSequence = new ArrayList<>();
		Set<String> poolStatuses = new TreeSet<>();
		Set<String> saturatedPools = ConcurrentHashMap.newKeySet();
		AtomicInteger fewestEligible = new AtomicInteger(Integer.MAX_VALUE);
		List<String> outOfRotation = new ArrayList<>();
		AtomicBoolean sampling = new AtomicBoolean(true);
		Thread sampler = new Thread(() -> {
			while (sampling.get()) {
				String status = replication.health(false).getStatus().getCode();
				synchronized (replicationSequence) {
					replicationStatuses.add(status);
					if (replicationSequence.isEmpty()
							|| !replicationSequence.get(replicationSequence.size() - 1).equals(status)) {
						replicationSequence.add(status);
					}
				}
				Health poolHealth = pools.health(true);
				poolStatuses.add(poolHealth.getStatus().getCode());
				poolHealth.getDetails().forEach((name, detail) -> {
					if (detail instanceof Map<?, ?> map && Boolean.TRUE.equals(map.get("saturated"))) {
						saturatedPools.add(name);
					}
				});
				List<NodeHealth> replicas = monitor.replicaHealth();
				int eligible = (int) replicas.stream().filter(NodeHealth::isEligible).count();
				fewestEligible.accumulateAndGet(eligible, Math::min);
				if (eligible < replicas.size()) {
					synchronized (outOfRotation) {
						outOfRotation.add(replicas.toString());
					}
				}
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "health-sampler");
		long busySkipsBefore = statistics.busySkips();
		ReadLoad.Counts counts;
		List<Throwable> errors;
		sampler.start();
		try (ReadLoad load = new ReadLoad(threads, () -> queries.getAfter(1, Duration.ofMillis(20)).server())) {
			Thread.sleep(LOAD.toMillis());
			counts = load.counts();
			errors = load.errors();
		}
		finally {
			sampling.set(false);
			sampler.join(5000);
		}
		System.out.println("Overload, " + threads + " threads on " + replicaConnections + " replica connections for "
				+ LOAD.toSeconds() + " s: " + counts + String.format(", primary share %.2f %%", 100 * counts.primaryShare())
				+ ", busy skips " + (statistics.busySkips() - busySkipsBefore) + "; replication health "
				+ replicationSequence + ", connectionPools " + poolStatuses + " (saturated: " + saturatedPools + ")");
		assertThat(counts.failures()).as("failed reads (%s): %s", counts, errors).isZero();
		assertThat(fewestEligible.get()).as("replicas in rotation throughout; out of rotation at times: %s",
				outOfRotation)
			.isEqualTo(2);
		assertThat(counts.primaryShare()).as("primary's share of reads (%s)", counts).isLessThan(0.05);
		assertThat(replicationSequence).as("replication health never flapped").containsExactly("UP");
		assertThat(poolStatuses).as("connectionPools health shows the saturation").contains("DEGRADED");
		assertThat(saturatedPools).as("saturated pools").anyMatch((name) -> name.startsWith("replica-"));
		assertThat(counts.reads()).isPositive();
	}

	@Test
	void replicaWhosePoolIsExhaustedIsSkippedByEachReadButStaysInRotation() throws Exception {
		this.context = RouterTestApplication.start(extension.cluster());
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		ReplicaFaultsUnderReadLoadIT.await(Duration.ofSeconds(20), () -> monitor.eligibleReplicas().size() == 2);
		DatabaseNodes nodes = this.context.getBean(DatabaseNodes.class);
		HikariDataSource busy = (HikariDataSource) nodes.replicas().get(0).dataSource();
		RoutingStatistics statistics = this.context.getBean(RoutingStatistics.class);
		Queries queries = this.context.getBean(Queries.class);
		List<java.sql.Connection> held = new ArrayList<>();
		AtomicInteger fewestEligible = new AtomicInteger(Integer.MAX_VALUE);
		ReadLoad.Counts counts;
		List<Throwable> errors;
		long busySkipsBefore = statistics.busySkips();
		try (ReadLoad load = new ReadLoad(THREADS, queries::readOnly)) {
			// Every connection of replica-1's pool taken, as by long work of other threads.
			for (int i = 0; i < busy.getMaximumPoolSize(); i++) {
				held.add(busy.getConnection());
			}
			long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
			while (System.nanoTime() < deadline) {
				fewestEligible.accumulateAndGet(monitor.eligibleReplicas().size(), Math::min);
				Thread.sleep(50);
			}
			counts = load.counts();
			errors = load.errors();
		}
		finally {
			for (java.sql.Connection connection : held) {
				connection.close();
			}
		}
		long busySkips = statistics.busySkips() - busySkipsBefore;
		System.out.println("replica-1's pool exhausted for 6 s under " + THREADS + " threads: " + counts
				+ ", busy skips " + busySkips + ", replica-1 " + monitor.replicaHealth().get(0));
		assertThat(busySkips).as("reads skipped the busy replica").isPositive();
		assertThat(fewestEligible.get()).as("the busy replica stayed in rotation").isEqualTo(2);
		assertThat(monitor.replicaHealth().get(0).consecutiveFailures()).isZero();
		assertThat(counts.failures()).as("failed reads (%s): %s", counts, errors).isZero();
		assertThat(counts.primaryShare()).as("primary's share of reads (%s)", counts).isLessThan(0.05);
	}

}
