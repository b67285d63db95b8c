package io.replicarouter.it.health;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.it.Server;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.NoEligibleReplicaException;
import io.replicarouter.routing.PrimaryUnavailableException;
import io.replicarouter.test.PostgresReplicationCluster;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Lag-aware and failure-aware routing with real faults: replay delayed with
 * {@code recovery_min_apply_delay}, postmasters killed with SIGKILL, replicas stopped.
 * Which node served a read is what the server said.
 */
class ReplicaHealthIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private static final Duration PROBE_INTERVAL = Duration.ofMillis(200);

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void createTables() {
		RouterTestApplication.createTables(extension.cluster());
	}

	@AfterEach
	void restore() {
		if (this.context != null) {
			this.context.close();
		}
		extension.cluster().heal();
	}

	@Test
	void laggingReplicaLeavesRotationWithinAProbeIntervalAndASecondAndComesBack() throws Exception {
		Duration maxLag = Duration.ofSeconds(1);
		this.context = start("replica-router.max-lag=" + maxLag.toMillis() + "ms");
		PostgresReplicationCluster cluster = extension.cluster();
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService writer = Executors.newSingleThreadExecutor();
		Future<?> writes = writer.submit(() -> {
			while (writing.get()) {
				queries().write();
				sleep(50);
			}
			return null;
		});
		try {
			cluster.replica(0).setReplayDelay(Duration.ofSeconds(5));
			long delayed = System.nanoTime();
			awaitTrue(Duration.ofSeconds(10), () -> state(monitor, "replica-1") == NodeState.LAGGING);
			Duration tookToLeave = Duration.ofNanos(System.nanoTime() - delayed);
			assertThat(tookToLeave).as("left rotation within max-lag + probe-interval + 1 s")
				.isLessThanOrEqualTo(maxLag.plus(PROBE_INTERVAL).plusSeconds(1));
			assertThat(health(monitor, "replica-1").lag()).isGreaterThan(maxLag);
			assertThat(servedBy(100)).containsOnlyKeys("replica-2");
			cluster.replica(0).clearReplayDelay();
			awaitTrue(Duration.ofSeconds(10), () -> state(monitor, "replica-1") == NodeState.UP);
			assertThat(servedBy(100)).containsOnlyKeys("replica-1", "replica-2");
		}
		finally {
			writing.set(false);
			writes.get(10, TimeUnit.SECONDS);
			writer.shutdown();
		}
	}

	@Test
	void caughtUpReplicaOfAnIdlePrimaryHasNoLag() throws Exception {
		this.context = start();
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		queries().write();
		extension.cluster().awaitReplication();
		Thread.sleep(3000);
		NodeHealth replica = health(monitor, "replica-1");
		assertThat(replica.state()).isEqualTo(NodeState.UP);
		assertThat(replica.lag()).isEqualTo(Duration.ZERO);
		assertThat(replica.lagBytes()).isZero();
		// What the naive measure would have said: the last replayed commit is seconds old.
		try (Connection connection = extension.cluster().replica(0).connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(
						"select extract(epoch from now() - pg_last_xact_replay_timestamp())")) {
			result.next();
			assertThat(result.getDouble(1)).isGreaterThan(2.5);
		}
	}

	@Test
	void killingAReplicaUnderReadLoadFailsNoReadAndTheReplicaRejoinsAfterRestart() throws Exception {
		this.context = start("replica-router.health.max-backoff=1s");
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger reads = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		AtomicInteger onPrimary = new AtomicInteger();
		ExecutorService readers = Executors.newFixedThreadPool(8);
		for (int i = 0; i < 8; i++) {
			readers.submit(() -> {
				while (running.get()) {
					try {
						if (!queries().readOnly().inRecovery()) {
							onPrimary.incrementAndGet();
						}
						reads.incrementAndGet();
					}
					catch (RuntimeException ex) {
						failures.incrementAndGet();
						ex.printStackTrace();
					}
				}
			});
		}
		try {
			Thread.sleep(1500);
			extension.cluster().replica(0).kill();
			long killed = System.nanoTime();
			awaitTrue(Duration.ofSeconds(5), () -> state(monitor, "replica-1") == NodeState.DOWN);
			Thread.sleep(2000);
			assertThat(failures.get()).as("failed reads after kill (%d reads)", reads.get()).isZero();
			extension.cluster().replica(0).start();
			awaitTrue(Duration.ofSeconds(15), () -> state(monitor, "replica-1") == NodeState.UP);
			Thread.sleep(500);
			assertThat(Duration.ofNanos(System.nanoTime() - killed)).isPositive();
		}
		finally {
			running.set(false);
			readers.shutdown();
			readers.awaitTermination(10, TimeUnit.SECONDS);
		}
		assertThat(failures.get()).as("failed reads in all (%d reads)", reads.get()).isZero();
		assertThat(onPrimary.get()).as("reads run again after the kill went to the other replica, as read-only"
				+ " transactions, not to the primary")
			.isZero();
		assertThat(servedBy(100)).containsKey("replica-1");
	}

	@Test
	void withEveryReplicaDownReadsFallBackToThePrimary() throws Exception {
		this.context = start();
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		extension.cluster().replica(0).stop();
		extension.cluster().replica(1).kill();
		assertThat(servedBy(50)).containsOnlyKeys("primary");
		awaitTrue(Duration.ofSeconds(5), () -> monitor.eligibleReplicas().isEmpty());
		Server server = queries().readOnly();
		assertThat(server.inRecovery()).isFalse();
		assertThat(server.port()).isEqualTo(extension.cluster().primary().port());
	}

	@Test
	void withEveryReplicaDownAndFallbackFailReadsFailSayingWhy() throws Exception {
		this.context = start("replica-router.fallback=fail");
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		extension.cluster().replica(0).stop();
		extension.cluster().replica(1).stop();
		awaitTrue(Duration.ofSeconds(5), () -> monitor.eligibleReplicas().isEmpty());
		assertThatException().isThrownBy(() -> queries().readOnly())
			.havingRootCause()
			.isInstanceOf(NoEligibleReplicaException.class)
			.withMessageContaining("replica-router.fallback=fail")
			.withMessageContaining("replica-1 down")
			.withMessageContaining("replica-2 down");
		assertThat(queries().readWrite().port()).as("writes are not affected")
			.isEqualTo(extension.cluster().primary().port());
	}

	@Test
	void configuredRolesAreCheckedAgainstTheServers() throws Exception {
		PostgresReplicationCluster cluster = extension.cluster();
		String primaryThroughLocalhost = cluster.primary().jdbcUrl().replace("127.0.0.1", "localhost");
		this.context = start("spring.datasource.url=" + cluster.replica(1).jdbcUrl(),
				"replica-router.replicas[1].url=" + primaryThroughLocalhost);
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		assertThat(monitor.primaryHealth().state()).isEqualTo(NodeState.DEMOTED);
		assertThat(state(monitor, "replica-2")).isEqualTo(NodeState.MISCONFIGURED);
		assertThat(health(monitor, "replica-2").detail()).contains("not in recovery");
		long started = System.nanoTime();
		assertThatException().isThrownBy(() -> queries().write())
			.havingRootCause()
			.isInstanceOf(PrimaryUnavailableException.class)
			.withMessageContaining("in recovery");
		assertThat(Duration.ofNanos(System.nanoTime() - started)).as("fails fast").isLessThan(Duration.ofSeconds(1));
		assertThat(servedBy(50)).containsOnlyKeys("replica-1");
	}

	private ConfigurableApplicationContext start(String... properties) {
		String[] all = new String[properties.length + 1];
		all[0] = "replica-router.health.probe-interval=" + PROBE_INTERVAL.toMillis() + "ms";
		System.arraycopy(properties, 0, all, 1, properties.length);
		return RouterTestApplication.start(extension.cluster(), all);
	}

	private Queries queries() {
		return this.context.getBean(Queries.class);
	}

	private Map<String, Integer> servedBy(int reads) {
		Map<String, Integer> served = new TreeMap<>();
		for (int i = 0; i < reads; i++) {
			served.merge(queries().readOnly().nodeName(extension.cluster()), 1, Integer::sum);
		}
		return served;
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

	static void awaitTrue(Duration timeout, BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Condition not met within " + timeout);
			}
			Thread.sleep(20);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
