package io.replicarouter.it.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.it.Server;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.ReplicaReads;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-read staleness bounds ({@code @ReplicaRead(maxLag)}, {@link ReplicaReads}) and zone
 * affinity over three real streaming replicas; every read is counted by the port the
 * server reported.
 */
class ReadStalenessAndZonesIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(3);

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

	/**
	 * replica-3 replays 3 s behind while writes flow. The global bound is 2 s (a user
	 * with replicas in one data centre would set about that): replica-3 is out of rotation
	 * for ordinary reads, yet a report that accepts 10 s reads from it.
	 */
	@Test
	void readsWithATightBoundNeverReachTheReplicaBehindAndReadsWithALooseOneDo() throws Exception {
		this.context = RouterTestApplication.start(extension.cluster(), "replica-router.max-lag=2s",
				"replica-router.health.probe-interval=200ms");
		Queries queries = this.context.getBean(Queries.class);
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService writer = Executors.newSingleThreadExecutor();
		writer.submit(() -> {
			int i = 0;
			while (writing.get()) {
				queries.put(1_000 + (i++ % 100), i);
				Thread.sleep(20);
			}
			return null;
		});
		try {
			extension.cluster().replica(2).setReplayDelay(Duration.ofSeconds(3));
			ReplicaHealthIT.awaitTrue(Duration.ofSeconds(20),
					() -> monitor.replicaHealth().get(2).lag().compareTo(Duration.ofMillis(2500)) > 0);
			NodeHealth behind = monitor.replicaHealth().get(2);
			assertThat(behind.isEligible()).as("out of rotation for ordinary reads: " + behind).isFalse();

			Map<String, Integer> tight = Server.servedBy(extension.cluster(), 500, queries::readAtMostOneSecondStale);
			assertThat(tight).as("@ReplicaRead(maxLag = \"1s\"): " + tight).containsOnlyKeys("replica-1", "replica-2");
			Map<String, Integer> programmatic = Server.servedBy(extension.cluster(), 200,
					() -> ReplicaReads.withMaxLag(Duration.ofSeconds(1), queries::readOnly));
			assertThat(programmatic).containsOnlyKeys("replica-1", "replica-2");
			Map<String, Integer> ordinary = Server.servedBy(extension.cluster(), 500, queries::readOnly);
			assertThat(ordinary).as("replica-router.max-lag=2s: " + ordinary)
				.containsOnlyKeys("replica-1", "replica-2");
			Map<String, Integer> loose = Server.servedBy(extension.cluster(), 500, queries::readAtMostTenSecondsStale);
			assertThat(loose).as("@ReplicaRead(maxLag = \"10s\"): " + loose)
				.containsOnlyKeys("replica-1", "replica-2", "replica-3");
			assertThat(loose.get("replica-3")).isGreaterThan(100);
			// Read-your-writes holds on top of a loose bound: never the replica 3 s behind
			// right after this thread's own write.
			int stale = 0;
			for (int i = 0; i < 50; i++) {
				queries.put(7, i);
				long value = i;
				if (ReplicaReads.withMaxLag(Duration.ofSeconds(10), () -> queries.get(7)).value() != value) {
					stale++;
				}
			}
			assertThat(stale).as("stale reads of the thread's own writes").isZero();
		}
		finally {
			writing.set(false);
			writer.shutdown();
			writer.awaitTermination(10, TimeUnit.SECONDS);
		}
	}

	/**
	 * The application and replica-1 and replica-2 are in zone eu-1a, replica-3 in eu-1b:
	 * replica-3 serves no read until both replicas of eu-1a are out, then every read.
	 */
	@Test
	void theOtherZonesReplicaServesNothingUntilBothReplicasOfTheApplicationsZoneAreOut() throws Exception {
		this.context = RouterTestApplication.start(extension.cluster(), "replica-router.zone=eu-1a",
				"replica-router.replicas[0].zone=eu-1a", "replica-router.replicas[1].zone=eu-1a",
				"replica-router.replicas[2].zone=eu-1b", "replica-router.health.probe-interval=200ms");
		Queries queries = this.context.getBean(Queries.class);
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		Map<String, Integer> local = Server.servedBy(extension.cluster(), 500, queries::readOnly);
		assertThat(local).as(local.toString()).containsOnlyKeys("replica-1", "replica-2");
		extension.cluster().replica(0).kill();
		ReplicaHealthIT.awaitTrue(Duration.ofSeconds(15), () -> !monitor.replicaHealth().get(0).isEligible());
		assertThat(Server.servedBy(extension.cluster(), 200, queries::readOnly)).as("one replica of the zone left").containsOnlyKeys("replica-2");
		extension.cluster().replica(1).kill();
		ReplicaHealthIT.awaitTrue(Duration.ofSeconds(15), () -> !monitor.replicaHealth().get(1).isEligible());
		Map<String, Integer> spilled = Server.servedBy(extension.cluster(), 300, queries::readOnly);
		assertThat(spilled).as("none of the zone left: " + spilled).containsOnlyKeys("replica-3");
	}

}
