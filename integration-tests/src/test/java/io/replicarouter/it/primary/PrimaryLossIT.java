package io.replicarouter.it.primary;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.routing.PrimaryUnavailableException;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.routing.RoutingTopology;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The primary is lost under load, with Boot's and replica-router's defaults (the primary
 * pool's connection timeout is Hikari's 30 s): reads keep working, writes fail fast
 * instead of holding their threads for the pool's timeout, writes work again soon after
 * the primary is back, and no acknowledged write is lost. Then the same with the opt-in
 * write retry: writes issued while the primary is down succeed once it is back, none
 * applied twice.
 */
class PrimaryLossIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	/**
	 * What the README documents for a primary that crashes: the monitor sees it within a
	 * probe interval (500 ms) and a refused probe, then the write waits the unavailable wait
	 * (1 s). The margin is for a loaded 2-core machine.
	 */
	private static final Duration WRITE_FAILURE_BOUND = Duration.ofMillis(500 + 1000 + 1500);

	/**
	 * One probe interval plus the pool's reconnect (Hikari retries connecting with a
	 * backoff of up to 5 s), with the same margin.
	 */
	private static final Duration WRITES_BACK_BOUND = Duration.ofMillis(500 + 5000 + 2500);

	private static final int READERS = 6;

	private static final int WRITERS = 2;

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
	void primaryKilledUnderLoadFailsNoReadFailsWritesFastAndLosesNoAcknowledgedWrite() throws Exception {
		this.context = RouterTestApplication.start(extension.cluster());
		Queries queries = this.context.getBean(Queries.class);
		Load load = new Load(queries, false);
		load.start();
		Thread.sleep(1500);
		PostgresNode primary = extension.cluster().primary();
		primary.kill();
		long killedAt = System.nanoTime();
		Thread.sleep(4000);
		primary.start();
		long restartedAt = System.nanoTime();
		long firstWriteBack = load.awaitWriteAfter(restartedAt, Duration.ofSeconds(30));
		Thread.sleep(1000);
		load.stop();
		Duration writesBack = Duration.ofNanos(firstWriteBack - restartedAt);
		System.out.printf("primary kill -9: reads ok %d, failed %d; writes ok %d, failed %d (slowest failure %d ms,"
				+ " bound %d ms); writes back %d ms after the restart (bound %d ms)%n", load.readsOk.get(),
				load.readsFailed.get(), load.writesOk.get(), load.writesFailed.get(), load.slowestWriteFailure(),
				WRITE_FAILURE_BOUND.toMillis(), writesBack.toMillis(), WRITES_BACK_BOUND.toMillis());
		assertThat(load.failures).as("only writes fail, and with PrimaryUnavailableException or a lost connection")
			.allSatisfy((failure) -> assertThat(failure).startsWith("write: "));
		assertThat(load.readsFailed).hasValue(0);
		assertThat(load.readsOk.get()).isGreaterThan(100);
		assertThat(load.writesFailed.get()).as("writes failed while the primary was down").isPositive();
		assertThat(load.unavailableFailures.get()).as("most failed writes say the primary is unavailable").isPositive();
		assertThat(Duration.ofMillis(load.slowestWriteFailure())).isLessThanOrEqualTo(WRITE_FAILURE_BOUND);
		assertThat(writesBack).isLessThanOrEqualTo(WRITES_BACK_BOUND);
		assertThat(missing(load.acknowledged)).as("acknowledged writes lost").isEmpty();
		assertThat(Duration.ofNanos(restartedAt - killedAt)).isGreaterThan(Duration.ofSeconds(3));
	}

	@Test
	void withTheWriteRetryWritesIssuedWhileThePrimaryIsDownSucceedOnceItIsBackAndNoneAppliesTwice() throws Exception {
		// Opt-in: a user sets it when re-running a write method that got no primary is safe
		// for the method's other side effects. The default (off) is covered above.
		this.context = RouterTestApplication.start(extension.cluster(), "replica-router.retry.writes.enabled=true");
		Queries queries = this.context.getBean(Queries.class);
		Load load = new Load(queries, true);
		load.start();
		Thread.sleep(1500);
		PostgresNode primary = extension.cluster().primary();
		primary.stop();
		// Writes issued before the monitor found the primary down may meet pooled connections
		// the server closed: their statement was sent, so they fail and are not run again.
		// From then on, every write gets no primary before anything is sent, and runs again.
		RoutingTopology topology = this.context.getBean(RoutingTopology.class);
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (topology.primaryOutage() == null && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(topology.primaryOutage()).as("the monitor found the primary down").isNotNull();
		load.issuedWhileDownFrom.set(System.nanoTime());
		Thread.sleep(3000);
		primary.start();
		load.awaitWriteAfter(System.nanoTime(), Duration.ofSeconds(30));
		Thread.sleep(1000);
		load.stop();
		long retries = this.context.getBean(ReplicaRoutingDataSource.class).getStatistics().writeRetries();
		System.out.printf("primary restart with write retry: writes ok %d, failed %d, run again %d%n",
				load.writesOk.get(), load.writesFailed.get(), retries);
		// A write whose statement was sent before the primary was found down may fail (it is
		// not run again: it may have been applied); every write issued once it was found down
		// succeeds.
		assertThat(load.failuresIssuedWhileDown).isEmpty();
		assertThat(load.failures).as("no write applied twice").noneMatch((failure) -> failure.contains("duplicate key"));
		assertThat(retries).as("writes issued while the primary was down ran again").isPositive();
		List<String> keys = uniqueKeys();
		assertThat(keys).as("every acknowledged write is there").containsAll(load.acknowledgedKeys);
		assertThat(new HashSet<>(keys)).as("no write applied twice").hasSameSizeAs(keys);
	}

	private List<Long> missing(Set<Long> acknowledged) throws SQLException {
		Set<Long> present = new HashSet<>();
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select id from ledger")) {
			while (rows.next()) {
				present.add(rows.getLong(1));
			}
		}
		return acknowledged.stream().filter((id) -> !present.contains(id)).toList();
	}

	private List<String> uniqueKeys() throws SQLException {
		List<String> keys = new ArrayList<>();
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select key from unique_writes")) {
			while (rows.next()) {
				keys.add(rows.getString(1));
			}
		}
		return keys;
	}

	/**
	 * Readers and writers until stopped, recording what callers saw.
	 */
	private static final class Load {

		private final Queries queries;

		private final boolean uniqueWrites;

		private final ExecutorService threads = Executors.newFixedThreadPool(READERS + WRITERS);

		private final List<Future<?>> running = new ArrayList<>();

		private final AtomicBoolean stopped = new AtomicBoolean();

		final AtomicInteger readsOk = new AtomicInteger();

		final AtomicInteger readsFailed = new AtomicInteger();

		final AtomicInteger writesOk = new AtomicInteger();

		final AtomicInteger writesFailed = new AtomicInteger();

		final AtomicInteger unavailableFailures = new AtomicInteger();

		final AtomicLong slowestWriteFailureNanos = new AtomicLong();

		final AtomicLong lastWriteOkAt = new AtomicLong();

		final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();

		final Set<String> acknowledgedKeys = ConcurrentHashMap.newKeySet();

		final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());

		final List<String> failuresIssuedWhileDown = java.util.Collections.synchronizedList(new ArrayList<>());

		final AtomicLong issuedWhileDownFrom = new AtomicLong(Long.MAX_VALUE);

		private final AtomicInteger keys = new AtomicInteger();

		Load(Queries queries, boolean uniqueWrites) {
			this.queries = queries;
			this.uniqueWrites = uniqueWrites;
		}

		void start() {
			for (int i = 0; i < READERS; i++) {
				this.running.add(this.threads.submit(this::read));
			}
			for (int i = 0; i < WRITERS; i++) {
				this.running.add(this.threads.submit(this::write));
			}
		}

		private void read() {
			while (!this.stopped.get()) {
				try {
					this.queries.readOnly();
					this.readsOk.incrementAndGet();
				}
				catch (RuntimeException ex) {
					this.readsFailed.incrementAndGet();
					this.failures.add("read: " + ex);
				}
			}
		}

		private void write() {
			while (!this.stopped.get()) {
				long started = System.nanoTime();
				try {
					if (this.uniqueWrites) {
						String key = "k" + this.keys.incrementAndGet();
						this.queries.insertUnique(key);
						this.acknowledgedKeys.add(key);
					}
					else {
						this.acknowledged.add(this.queries.write());
					}
					this.writesOk.incrementAndGet();
					this.lastWriteOkAt.set(System.nanoTime());
				}
				catch (RuntimeException ex) {
					long took = System.nanoTime() - started;
					this.writesFailed.incrementAndGet();
					this.slowestWriteFailureNanos.accumulateAndGet(took, Math::max);
					if (hasCause(ex, PrimaryUnavailableException.class)) {
						this.unavailableFailures.incrementAndGet();
					}
					this.failures.add("write: " + ex);
					if (started - this.issuedWhileDownFrom.get() >= 0) {
						this.failuresIssuedWhileDown.add("write: " + ex);
					}
					pause();
				}
			}
		}

		long awaitWriteAfter(long nanos, Duration timeout) throws InterruptedException {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (this.lastWriteOkAt.get() - nanos <= 0) {
				assertThat(System.nanoTime() - deadline).as("a write acknowledged after the restart").isNegative();
				Thread.sleep(10);
			}
			return this.lastWriteOkAt.get();
		}

		long slowestWriteFailure() {
			return TimeUnit.NANOSECONDS.toMillis(this.slowestWriteFailureNanos.get());
		}

		void stop() throws Exception {
			this.stopped.set(true);
			for (Future<?> future : this.running) {
				future.get(60, TimeUnit.SECONDS);
			}
			this.threads.shutdown();
		}

		private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
			for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
				if (type.isInstance(ex)) {
					return true;
				}
			}
			return false;
		}

		private static void pause() {
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

	}

}
