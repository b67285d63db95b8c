package io.replicarouter.it.consistency;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.it.RouterTestApplication.Read;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Read-your-writes in the current thread's scope, with one replica's replay delayed by
 * {@code recovery_min_apply_delay}: every read of a key right after writing it must see
 * the write.
 */
class ReadYourWritesIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private static final int THREADS = 16;

	private static final int PAIRS = 10_000;

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("create table kv (id int primary key, v bigint not null)");
		}
		extension.cluster().awaitReplication();
	}

	@AfterEach
	void restore() {
		if (this.context != null) {
			this.context.close();
		}
		extension.cluster().heal();
	}

	@Test
	void lsnModeServesNoStaleReadWithAReplicaBehind() throws Exception {
		extension.cluster().replica(0).setReplayDelay(Duration.ofMillis(1500));
		this.context = RouterTestApplication.start(extension.cluster(), "replica-router.consistency.mode=lsn");
		Outcome outcome = writeThenRead(0);
		assertThat(outcome.stale()).as(outcome.toString()).isZero();
		assertThat(outcome.onReplicas()).as(outcome.toString()).isPositive();
	}

	@Test
	void theSameHarnessFindsStaleReadsWithoutConsistency() throws Exception {
		extension.cluster().replica(0).setReplayDelay(Duration.ofMillis(1500));
		this.context = RouterTestApplication.start(extension.cluster(), "replica-router.consistency.mode=none");
		Outcome outcome = writeThenRead(100_000);
		assertThat(outcome.stale()).as(outcome.toString()).isPositive();
	}

	@Test
	void withoutLagMostReadsAfterAWriteStayOnReplicas() throws Exception {
		this.context = RouterTestApplication.start(extension.cluster(), "replica-router.consistency.mode=lsn",
				"replica-router.consistency.max-wait=50ms");
		Outcome outcome = writeThenRead(200_000);
		assertThat(outcome.stale()).isZero();
		assertThat(outcome.onReplicas()).as(outcome.toString()).isGreaterThan(PAIRS / 2);
	}

	@Test
	void onceReplicasCaughtUpReadsReturnToThem() throws Exception {
		this.context = RouterTestApplication.start(extension.cluster(), "replica-router.consistency.mode=lsn");
		Queries queries = this.context.getBean(Queries.class);
		queries.put(1, 42);
		extension.cluster().awaitReplication();
		Thread.sleep(1200);
		for (int i = 0; i < 20; i++) {
			Read read = queries.get(1);
			assertThat(read.value()).isEqualTo(42);
			assertThat(read.server().inRecovery()).as("read " + i).isTrue();
		}
	}

	@Test
	void stickyModeReadsFromThePrimaryForTheWindowAfterAWriteThenFromReplicas() throws Exception {
		this.context = RouterTestApplication.start(extension.cluster(), "replica-router.consistency.mode=sticky",
				"replica-router.consistency.sticky-window=1s");
		Queries queries = this.context.getBean(Queries.class);
		assertThat(queries.get(7).server().inRecovery()).as("no write yet: a replica").isTrue();
		queries.put(7, 1);
		for (int i = 0; i < 10; i++) {
			assertThat(queries.get(7).server().port()).isEqualTo(extension.cluster().primary().port());
		}
		Thread.sleep(1200);
		assertThat(queries.get(7).server().inRecovery()).as("after the window: a replica").isTrue();
	}

	private Outcome writeThenRead(int keyBase) throws Exception {
		Queries queries = this.context.getBean(Queries.class);
		AtomicInteger stale = new AtomicInteger();
		AtomicInteger onReplicas = new AtomicInteger();
		AtomicInteger onPrimary = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		List<Future<?>> workers = new ArrayList<>();
		for (int thread = 0; thread < THREADS; thread++) {
			int key = keyBase + thread;
			workers.add(pool.submit(() -> {
				for (int value = 1; value <= PAIRS / THREADS; value++) {
					queries.put(key, value);
					Read read = queries.get(key);
					if (read.value() != value) {
						stale.incrementAndGet();
					}
					(read.server().inRecovery() ? onReplicas : onPrimary).incrementAndGet();
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get();
		}
		pool.shutdown();
		Outcome outcome = new Outcome(stale.get(), onReplicas.get(), onPrimary.get());
		System.out.println("write-then-read pairs (" + this.context.getEnvironment()
			.getProperty("replica-router.consistency.mode") + "): " + outcome);
		return outcome;
	}

	record Outcome(int stale, int onReplicas, int onPrimary) {
	}

}
