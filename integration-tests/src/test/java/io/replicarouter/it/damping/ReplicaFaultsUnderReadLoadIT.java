package io.replicarouter.it.damping;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica killed, and a replica stopped with SIGSTOP (a network black hole), under 8
 * threads of read-only transactions, with the starter's defaults: no read fails over at
 * least 2,000 reads per fault, the replica leaves rotation (at once when killed, after the
 * damped probes when stopped) and comes back.
 */
class ReplicaFaultsUnderReadLoadIT {

	private static final int THREADS = 8;

	private static final int READS_PER_FAULT = 2_000;

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void createTables() {
		RouterTestApplication.createTables(extension.cluster());
	}

	@BeforeEach
	void start() throws InterruptedException {
		// Boot's and the starter's defaults: nothing tuned for the test.
		this.context = RouterTestApplication.start(extension.cluster());
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		await(Duration.ofSeconds(20), () -> monitor.eligibleReplicas().size() == 2);
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		extension.cluster().heal();
	}

	@Test
	void killedReplicaFailsNoReadAndLeavesRotationAtOnce() throws Exception {
		PostgresNode replica = extension.cluster().replica(0);
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		Queries queries = this.context.getBean(Queries.class);
		try (ReadLoad load = new ReadLoad(THREADS, queries::readOnly)) {
			Thread.sleep(1000);
			ReadLoad.Counts before = load.counts();
			long killed = System.nanoTime();
			replica.kill();
			await(Duration.ofSeconds(10), () -> state(monitor, "replica-1") == NodeState.DOWN);
			long down = System.nanoTime() - killed;
			awaitReads(load, before, Duration.ofSeconds(120));
			ReadLoad.Counts during = load.counts().since(before);
			System.out.println("replica kill -9: " + during + "; down after " + down / 1_000_000 + " ms");
			assertThat(during.failures()).as("failed reads while replica-1 is killed (%s): %s", during, load.errors())
				.isZero();
			assertThat(during.reads()).isGreaterThanOrEqualTo(READS_PER_FAULT);
			assertThat(Duration.ofNanos(down)).as("a killed server is gone: down at once, not after 3 probes")
				.isLessThan(Duration.ofSeconds(3));
			replica.start();
			await(Duration.ofSeconds(30), () -> state(monitor, "replica-1") == NodeState.UP);
			ReadLoad.Counts total = load.counts().since(before);
			assertThat(total.failures()).as("failed reads in all (%s): %s", total, load.errors()).isZero();
		}
	}

	@Test
	void stoppedReplicaFailsNoReadAndLeavesRotationAfterItsProbesFail() throws Exception {
		PostgresNode replica = extension.cluster().replica(0);
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		Queries queries = this.context.getBean(Queries.class);
		try (ReadLoad load = new ReadLoad(THREADS, queries::readOnly)) {
			Thread.sleep(1000);
			ReadLoad.Counts before = load.counts();
			long stopped = System.nanoTime();
			replica.pause();
			await(Duration.ofSeconds(20), () -> state(monitor, "replica-1") == NodeState.DOWN);
			long down = System.nanoTime() - stopped;
			awaitReads(load, before, Duration.ofSeconds(120));
			ReadLoad.Counts during = load.counts().since(before);
			System.out.println("replica SIGSTOP: " + during + "; down after " + down / 1_000_000 + " ms ("
					+ health(monitor, "replica-1").detail() + ")");
			assertThat(during.failures()).as("failed reads while replica-1 is stopped (%s): %s", during, load.errors())
				.isZero();
			assertThat(during.reads()).isGreaterThanOrEqualTo(READS_PER_FAULT);
			assertThat(health(monitor, "replica-1").consecutiveFailures()).as("down after failure-threshold probes")
				.isGreaterThanOrEqualTo(3);
			// A read waits for the replica to be down (the next probe within 500 ms, then 3 probes
			// of at most 1.5 s back to back), then runs again, borrowing for at most 2 s; plus 3 s
			// for a loaded machine.
			assertThat(during.longestMillis()).as("longest read while the replica is stopped").isLessThan(10_000);
			replica.resume();
			await(Duration.ofSeconds(30), () -> state(monitor, "replica-1") == NodeState.UP);
			ReadLoad.Counts total = load.counts().since(before);
			assertThat(total.failures()).as("failed reads in all (%s): %s", total, load.errors()).isZero();
		}
	}

	/**
	 * Wait until the readers have done the reads a fault must be measured over, and at
	 * least 8 s (past the replica's damped detection, 4.5 s with the defaults).
	 */
	private static void awaitReads(ReadLoad load, ReadLoad.Counts before, Duration timeout)
			throws InterruptedException {
		long started = System.nanoTime();
		await(timeout, () -> load.counts().since(before).reads() >= READS_PER_FAULT
				&& System.nanoTime() - started > Duration.ofSeconds(8).toNanos());
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

	static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Condition not met within " + timeout);
			}
			Thread.sleep(20);
		}
	}

}
