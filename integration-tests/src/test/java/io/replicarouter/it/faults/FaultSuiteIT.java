package io.replicarouter.it.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.actuate.ConnectionPoolsHealthIndicator;
import io.replicarouter.actuate.ReplicationHealthIndicator;
import io.replicarouter.autoconfigure.ReplicaRouterProperties;
import io.replicarouter.cache.CacheCounters;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.it.faults.FaultSuiteApplication.Ledger;
import io.replicarouter.it.faults.Workload.Failure;
import io.replicarouter.it.faults.Workload.Window;
import io.replicarouter.jdbc.StatementTimeouts;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import redis.embedded.RedisServer;

import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fault suite of issue #10: a mixed workload through one real application context
 * (primary and two streaming replicas, Hikari pools, a Redis cache) while faults are
 * injected one at a time, for real. For each fault it records what callers saw, checks the
 * ledger of acknowledged writes, times the longest call and the recovery, and follows the
 * health indicators.
 * <p>
 * One test per fault, so that a fault can be run alone
 * ({@code -Dit.test='FaultSuiteIT#replicaKill*'}). The tests share the cluster, Redis, the
 * application and its workload, and run in order: the control first (it needs the
 * replicas before the application loads them), the faults that change the topology last.
 * Each test records its row and fails listing the row's problems; after the last test
 * the rows of the tests that ran are printed and saved to {@code target/fault-report.md}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {

	private static final String PASSWORD = "rr-Fault-Secret-7e2a";

	private static final int THREADS = 8;

	private static final int POOL_SIZE = 8;

	/** Allowance for two shared cores: a thread may wait this long for a CPU. Not a timeout. */
	private static final Duration SCHEDULING_MARGIN = Duration.ofMillis(1500);

	/** How long each fault lasts. */
	private static final Duration FAULT_DURATION = Duration.ofMillis(2500);

	/** How long health is watched after recovery, for flapping. */
	private static final Duration OBSERVATION = Duration.ofSeconds(2);

	private static final Duration RECOVERY_LIMIT = Duration.ofSeconds(30);

	private static final Path REPORT = Path.of("target", "fault-report.md");

	private final List<FaultReport.Row> rows = new ArrayList<>();

	private PostgresReplicationCluster cluster;

	private ConfigurableApplicationContext context;

	private Workload workload;

	private HealthTimeline health;

	private int redisPort;

	private RedisServer redis;

	private Timeouts timeouts;

	@BeforeAll
	void startClusterAndRedis() throws Exception {
		this.cluster = PostgresReplicationCluster.builder().replicas(2).password(PASSWORD).build();
		this.cluster.start();
		createTables();
		replicateSynchronously();
		try (ServerSocket socket = new ServerSocket(0)) {
			this.redisPort = socket.getLocalPort();
		}
		this.redis = startRedis();
	}

	@AfterAll
	void stopEverythingAndSaveTheReport() throws Exception {
		try {
			if (this.workload != null) {
				this.workload.close();
			}
			if (this.health != null) {
				this.health.close();
			}
			if (!this.rows.isEmpty()) {
				FaultReport report = new FaultReport((this.timeouts != null) ? this.timeouts.describe()
						: "Only the control ran: the suite's application was not started.");
				this.rows.forEach(report::add);
				report.save(REPORT);
				System.out.println(report.markdown());
			}
		}
		finally {
			if (this.context != null) {
				this.context.close();
			}
			if (this.redis != null && this.redis.isActive()) {
				this.redis.stop();
			}
			if (this.cluster != null) {
				this.cluster.close();
			}
		}
	}

	/**
	 * The stale-read detector must be able to see a stale read: without read-your-writes
	 * and with replicas behind (but within max-lag, so in rotation), write-then-read pairs
	 * must read stale. It runs its own application, before the suite's starts.
	 */
	@Test
	@Order(1)
	void controlWithConsistencyOffTheDetectorSeesStaleReadsFromLaggingReplicas() throws Exception {
		assertThat(this.context).as("the control runs before the suite's application starts").isNull();
		Map<String, String> properties = properties();
		properties.put("replica-router.consistency.mode", "none");
		Duration behind = Duration.ofMillis(300);
		this.cluster.replicas().forEach((replica) -> replica.setReplayDelay(behind));
		int pairs = 30;
		int stale = 0;
		try (ConfigurableApplicationContext control = FaultSuiteApplication.start(properties)) {
			Ledger ledger = control.getBean(Ledger.class);
			for (int i = 0; i < pairs; i++) {
				long value = 1 + i;
				long id = ledger.write(value);
				Long read = ledger.find(id).value();
				if (read == null || read != value) {
					stale++;
				}
			}
		}
		finally {
			this.cluster.heal();
		}
		assertNoProblems(new FaultReport.Row("control: consistency.mode=none, replicas " + behind.toMillis()
				+ " ms behind (the detector must see stale reads)", pairs, 0, pairs, 0, List.of(), 0, stale, 0, 0, -1, 0,
				"–", (stale > 0) ? List.of() : List.of("no stale read seen without read-your-writes: the detector is blind")));
	}

	@Test
	@Order(2)
	void baselineWithoutAFaultNoCallFailsOrStallsAndHealthStaysUp() throws Exception {
		assertNoProblems(fault("none (baseline)").replicationHealth("UP").recoveryBound(Duration.ZERO).run(() -> {
		}, () -> {
		}, () -> true));
	}

	@Test
	@Order(3)
	void replicaKillFailsNoCallAndTheRestartedReplicaRejoinsInTime() throws Exception {
		PostgresNode replica = this.cluster.replica(0);
		assertNoProblems(fault("replica kill -9, restart").stallBound(this.timeouts.replicaFailure())
			.poolsMayWaitTwiceForTheLostNode()
			.recoveryBound(this.timeouts.replicaRejoin())
			.replicationHealth("UP", "DEGRADED", "UP")
			.run(replica::kill, replica::start, this::allReplicasInRotation));
	}

	@Test
	@Order(4)
	void replicaSigstopFailsNoCallAndTheResumedReplicaRejoinsInTime() throws Exception {
		PostgresNode replica = this.cluster.replica(0);
		assertNoProblems(fault("replica SIGSTOP (black hole), SIGCONT").stallBound(this.timeouts.replicaFailure())
			.poolsMayWaitForTheLostNode()
			.recoveryBound(this.timeouts.replicaRejoin())
			.replicationHealth("UP", "DEGRADED", "UP")
			.run(replica::pause, replica::resume, this::allReplicasInRotation));
	}

	@Test
	@Order(5)
	void lagSpikeOnOneReplicaServesNoStaleReadAndTheReplicaRejoinsInTime() throws Exception {
		PostgresNode replica = this.cluster.replica(1);
		assertNoProblems(fault("lag spike on one replica").stallBound(this.timeouts.healthyPath())
			.recoveryBound(this.timeouts.lagRejoin())
			.replicationHealth("UP", "DEGRADED", "UP")
			.run(() -> replica.setReplayDelay(lagSpike()), replica::clearReplayDelay, this::allReplicasInRotation));
	}

	@Test
	@Order(6)
	void lagSpikeOnAllReplicasFallsBackToThePrimaryWithoutFailedOrStaleReads() throws Exception {
		assertNoProblems(fault("lag spike on all replicas (reads fall back to the primary)")
			.stallBound(this.timeouts.healthyPath())
			.recoveryBound(this.timeouts.lagRejoin())
			.replicationHealth("UP", "DEGRADED", "UP")
			.run(() -> this.cluster.replicas().forEach((replica) -> replica.setReplayDelay(lagSpike())),
					() -> this.cluster.replicas().forEach(PostgresNode::clearReplayDelay), this::allReplicasInRotation));
	}

	@Test
	@Order(7)
	void primaryStopFailsOnlyWritesDuringTheOutageWithClearErrorsAndWritesResume() throws Exception {
		PostgresNode primary = this.cluster.primary();
		assertNoProblems(fault("primary stop, restart").stallBound(this.timeouts.primaryFailure())
			.poolsMayWaitForTheLostPrimary()
			.writesMayFailWhilePrimaryIsGone()
			.recoveryBound(this.timeouts.primaryReturn())
			.replicationHealth("UP", "DOWN", "UP")
			.run(primary::stop, primary::start, this::primaryUpAndPoolsClear));
	}

	@Test
	@Order(8)
	void redisKillFailsNoCallTheCircuitOpensAndCachingResumesInTime() throws Exception {
		assertNoProblems(fault("Redis kill -9, restart").stallBound(this.timeouts.redisFailure())
			.recoveryBound(this.timeouts.redisReturn(FAULT_DURATION))
			.replicationHealth("UP")
			// while Redis is down, each half-open trial fails and opens the circuit again
			.circuit("CLOSED( → OPEN( → HALF_OPEN)?)+ → CLOSED")
			.run(this::killRedis, () -> this.redis = startRedis(), this::cachingResumed));
	}

	/**
	 * Twice the primary pool's size in long read-write transactions, each holding its
	 * connection for twice the pool's connection timeout: the first {@code POOL_SIZE} run,
	 * callers beyond capacity wait the connection timeout and get Hikari's timeout error.
	 */
	@Test
	@Order(9)
	void poolExhaustionTimesOutOnlyCallersBeyondThePoolAndThePoolClears() throws Exception {
		Run run = fault("pool exhaustion: 2x the primary pool in long transactions")
			.stallBound(this.timeouts.primaryBorrow())
			.writesMayTimeOutForAConnection()
			.recoveryBound(this.timeouts.saturationClears())
			.replicationHealth("UP")
			.pools("UP", "DEGRADED", "UP");
		Ledger ledger = this.context.getBean(Ledger.class);
		Duration hold = this.timeouts.primaryBorrow().multipliedBy(2);
		ExecutorService holders = Executors.newFixedThreadPool(2 * POOL_SIZE);
		List<Future<?>> calls = new ArrayList<>();
		List<String> holderProblems = new ArrayList<>();
		long[] holdersOk = new long[1];
		FaultReport.Row row = run.run(() -> {
			for (int i = 0; i < 2 * POOL_SIZE; i++) {
				calls.add(holders.submit(() -> {
					long started = System.nanoTime();
					try {
						ledger.hold(hold);
						synchronized (holdersOk) {
							holdersOk[0]++;
						}
					}
					catch (RuntimeException ex) {
						Duration waited = Duration.ofNanos(System.nanoTime() - started);
						synchronized (holderProblems) {
							if (!isPoolTimeout(ex)) {
								holderProblems.add("a holder failed otherwise: " + chain(ex));
							}
							else if (waited.compareTo(this.timeouts.primaryBorrow().minusMillis(50)) < 0
									|| waited.compareTo(this.timeouts.primaryBorrow().plus(SCHEDULING_MARGIN)) > 0) {
								holderProblems.add("a holder timed out after " + waited.toMillis() + " ms");
							}
						}
					}
				}));
			}
		}, () -> {
			for (Future<?> call : calls) {
				call.get(30, TimeUnit.SECONDS);
			}
		}, () -> "UP".equals(this.health.pools()));
		holders.shutdown();
		List<String> problems = new ArrayList<>(row.problems());
		problems.addAll(holderProblems);
		if (holdersOk[0] < POOL_SIZE / 2 || holdersOk[0] > POOL_SIZE) {
			problems.add(holdersOk[0] + " of " + 2 * POOL_SIZE + " holders ran, expected up to the pool's " + POOL_SIZE);
		}
		assertNoProblems(new FaultReport.Row(row.fault() + " (" + holdersOk[0] + " of " + 2 * POOL_SIZE + " holders ran)",
				row.readsOk(), row.readsFailed(), row.writesOk(), row.writesFailed(), row.writeErrors(),
				row.missingWrites(), row.staleReads(), row.maxStallMillis(), row.stallBoundMillis(),
				row.recoveryMillis(), row.recoveryBoundMillis(), row.health(), problems));
	}

	/**
	 * Last, as it changes the topology: the old primary cannot come back (it would be a
	 * second primary), so no heal. The ledger is then checked once more, on the promoted
	 * primary: every write acknowledged so far in the run (in the full suite, every fault's;
	 * run alone, the warm-up's and this fault's).
	 */
	@Test
	@Order(10)
	void primaryKillPromotesTheMostAdvancedReplicaAndKeepsEveryAcknowledgedWrite() throws Exception {
		PostgresNode primary = this.cluster.primary();
		PostgresNode replica1 = this.cluster.replica(0);
		PostgresNode replica2 = this.cluster.replica(1);
		PostgresNode[] promoted = new PostgresNode[1];
		FaultReport.Row failover = record(fault("primary kill -9, most advanced replica promoted")
			.stallBound(this.timeouts.primaryFailure())
			.writesMayFailWhilePrimaryIsGone()
			.poolsMayWaitForTheLostPrimary()
			.recoveryBound(this.timeouts.primaryReturn())
			.noHeal()
			// The promoted server is still configured as a replica: MISCONFIGURED, so DEGRADED.
			// The monitor may find the new primary one probe before it finds the promoted
			// replica: UP for that moment.
			.replicationHealthMatching("UP → DOWN( → UP)? → DEGRADED")
			.run(primary::kill, () -> {
				promoted[0] = mostAdvanced(replica1, replica2);
				promoted[0].promote();
			}, this::primaryUpAndPoolsClear));
		Map<Long, Long> acknowledged = this.workload.acknowledged();
		long missing = missing(promoted[0], acknowledged);
		FaultReport.Row ledger = record(new FaultReport.Row(
				"all acknowledged writes of the run, on the promoted primary", 0, 0, acknowledged.size(), 0, List.of(),
				missing, 0, 0, 0, -1, 0, "–",
				(missing == 0) ? List.of() : List.of(missing + " acknowledged writes missing")));
		assertThat(problems(failover, ledger)).as("problems of this fault's rows").isEmpty();
	}

	private FaultReport.Row record(FaultReport.Row row) {
		this.rows.add(row);
		return row;
	}

	private void assertNoProblems(FaultReport.Row row) {
		record(row);
		assertThat(problems(row)).as("problems of this fault's row").isEmpty();
	}

	private static List<String> problems(FaultReport.Row... rows) {
		return Arrays.stream(rows)
			.flatMap((row) -> row.problems().stream().map((problem) -> row.fault() + ": " + problem))
			.toList();
	}

	/**
	 * A fault of the suite, run through the suite's application: the first one starts it.
	 */
	private Run fault(String name) throws Exception {
		if (this.context == null) {
			startTheApplicationAndWarmUp();
		}
		return new Run(name);
	}

	private void startTheApplicationAndWarmUp() throws Exception {
		this.context = FaultSuiteApplication.start(properties());
		this.timeouts = Timeouts.of(this.context);
		this.health = new HealthTimeline(this.context);
		this.workload = new Workload(this.context.getBean(Ledger.class), THREADS);
		// Warm-up, not counted: pools fill (until then a borrower may wait, which the
		// connectionPools indicator reports), the cache fills, the JIT compiles.
		Thread.sleep(2000);
		DatabaseNodes nodes = this.context.getBean(DatabaseNodes.class);
		long warmUpUntil = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (!(nodes.all().stream().allMatch(FaultSuiteIT::isFull) && "UP".equals(this.health.pools()))
				&& System.nanoTime() < warmUpUntil) {
			Thread.sleep(50);
		}
		Thread.sleep(1000);
	}

	private boolean allReplicasInRotation() {
		return this.context.getBean(ReplicaHealthMonitor.class).replicaHealth().stream().allMatch(NodeHealth::isEligible);
	}

	private boolean primaryUpAndPoolsClear() {
		return this.context.getBean(ReplicaHealthMonitor.class).primaryHealth().state() == NodeState.UP
				&& "UP".equals(this.health.pools());
	}

	private static boolean isFull(io.replicarouter.routing.DataSourceNode node) {
		HikariDataSource pool = (HikariDataSource) node.dataSource();
		return pool.getHikariPoolMXBean() != null
				&& pool.getHikariPoolMXBean().getTotalConnections() == pool.getMaximumPoolSize();
	}

	private Duration lagSpike() {
		return this.timeouts.maxLag().multipliedBy(3);
	}

	/**
	 * One fault: inject it, let it last, remove it, wait for recovery, watch, heal, check.
	 */
	private final class Run {

		private final String fault;

		private Duration stallBound;

		private boolean writesMayFailWhilePrimaryIsGone;

		private boolean writesMayTimeOutForAConnection;


		private Duration recoveryBound = RECOVERY_LIMIT;

		private boolean heal = true;

		// Expected sequences of statuses, as patterns over "A → B → C".

		private String replication = "UP";

		private String pools = "UP";

		private String circuit = "CLOSED";

		Run(String fault) {
			this.fault = fault;
			this.stallBound = FaultSuiteIT.this.timeouts.healthyPath();
		}

		Run stallBound(Duration bound) {
			this.stallBound = bound;
			return this;
		}

		/**
		 * Writes may fail while no primary accepts connections, with the primary pool's
		 * timeout; reads may not (a read that needs the primary for read-your-writes waits for
		 * a replica to replay the write instead).
		 */
		Run writesMayFailWhilePrimaryIsGone() {
			this.writesMayFailWhilePrimaryIsGone = true;
			return this;
		}

		Run writesMayTimeOutForAConnection() {
			this.writesMayTimeOutForAConnection = true;
			return this;
		}

		Run recoveryBound(Duration bound) {
			this.recoveryBound = bound;
			return this;
		}

		Run noHeal() {
			this.heal = false;
			return this;
		}

		Run replicationHealth(String... sequence) {
			this.replication = Pattern.quote(String.join(" → ", sequence));
			return this;
		}

		Run replicationHealthMatching(String pattern) {
			this.replication = pattern;
			return this;
		}

		Run pools(String... sequence) {
			this.pools = Pattern.quote(String.join(" → ", sequence));
			return this;
		}

		/**
		 * Threads waiting for a connection to a node that went away make its pool
		 * saturated until they are served: the connectionPools indicator may turn DEGRADED
		 * during such a fault, and must be UP again afterwards.
		 */
		Run poolsMayWaitForTheLostNode() {
			this.pools = "UP( → DEGRADED → UP)?";
			return this;
		}

		/**
		 * Writers wait in the primary's pool twice: until the monitor finds the primary down
		 * (then they wait outside the pool and fail fast, replica-router.primary.unavailable-wait),
		 * and while the pool reconnects to the primary that is back.
		 */
		/**
		 * Readers wait in the killed replica's pool until it is found down, and may wait again
		 * when it rejoins with a pool that holds a single connection yet.
		 */
		Run poolsMayWaitTwiceForTheLostNode() {
			this.pools = "UP( → DEGRADED → UP){0,2}";
			return this;
		}

		Run poolsMayWaitForTheLostPrimary() {
			this.pools = "UP( → DEGRADED → UP){0,2}";
			return this;
		}

		Run circuit(String pattern) {
			this.circuit = pattern;
			return this;
		}

		FaultReport.Row run(Action inject, Action remove, BooleanSupplier recovered) throws Exception {
			Window window = FaultSuiteIT.this.workload.newWindow();
			HealthTimeline.Sequences health = FaultSuiteIT.this.health.newWindow();
			Thread.sleep(300);
			long injectedAt = System.nanoTime();
			try {
				inject.run();
				Thread.sleep(FAULT_DURATION.toMillis());
				remove.run();
			}
			catch (Exception ex) {
				// The tests that follow must start from a healthy cluster, as after any fault.
				if (this.heal) {
					try {
						FaultSuiteIT.this.cluster.heal();
					}
					catch (RuntimeException healing) {
						ex.addSuppressed(healing);
					}
				}
				throw ex;
			}
			long removedAt = System.nanoTime();
			long recoveryMillis = -1;
			while (System.nanoTime() - removedAt < RECOVERY_LIMIT.toNanos()) {
				if (recovered.getAsBoolean() && (!this.writesMayFailWhilePrimaryIsGone
						|| window.writeAcknowledgedSince(removedAt))) {
					recoveryMillis = Duration.ofNanos(System.nanoTime() - removedAt).toMillis();
					break;
				}
				Thread.sleep(20);
			}
			Thread.sleep(OBSERVATION.toMillis());
			List<String> problems = new ArrayList<>();
			long missing = 0;
			if (this.heal) {
				FaultSuiteIT.this.cluster.heal();
				missing = checkLedger(problems);
			}
			FaultSuiteIT.this.workload.newWindow();
			health.close();
			if (recoveryMillis < 0) {
				problems.add("not recovered within " + RECOVERY_LIMIT.toSeconds() + " s");
			}
			else if (recoveryMillis > this.recoveryBound.toMillis()) {
				problems.add("recovered in " + recoveryMillis + " ms, over the bound of " + this.recoveryBound.toMillis()
						+ " ms");
			}
			check(window, health, injectedAt, removedAt, problems);
			long bound = this.stallBound.plus(SCHEDULING_MARGIN).toMillis();
			long stall = Duration.ofNanos(window.maxStallNanos.get()).toMillis();
			if (stall > bound) {
				problems.add("a call took " + stall + " ms, over the bound of " + bound + " ms");
			}
			return new FaultReport.Row(this.fault, window.readsOk.get(), window.failedReads.size(),
					window.writesOk.get(), window.failedWrites.size(), distinctMessages(window.failedWrites),
					missing, window.staleReads.size(), stall, bound, recoveryMillis, this.recoveryBound.toMillis(),
					health.describe(), problems);
		}

		private void check(Window window, HealthTimeline.Sequences health, long injectedAt, long removedAt,
				List<String> problems) {
			synchronized (window.failedReads) {
				// A healthy replica remains in every row: no read may fail. One that needs the
				// primary for read-your-writes while the primary is gone or its pool exhausted waits
				// for a replica to replay the write instead.
				for (Failure failure : window.failedReads) {
					problems.add("read failed: " + chain(failure.failure()));
				}
			}
			synchronized (window.failedWrites) {
				for (Failure failure : window.failedWrites) {
					String chain = chain(failure.failure());
					if (chain.contains(PASSWORD)) {
						problems.add("a write error shows the password");
					}
					if (this.writesMayFailWhilePrimaryIsGone) {
						long gracePeriod = FaultSuiteIT.this.timeouts.primaryReconnect().toNanos();
						if (failure.ended() - injectedAt < 0 || failure.started() - (removedAt + gracePeriod) > 0) {
							problems.add("a write failed outside the primary's outage: " + chain);
						}
						else if (!isClearPrimaryFailure(failure.failure())) {
							problems.add("unclear write error: " + chain);
						}
					}
					else if (this.writesMayTimeOutForAConnection) {
						if (!isPoolTimeout(failure.failure())) {
							problems.add("a write failed otherwise than by the pool's timeout: " + chain);
						}
					}
					else {
						problems.add("write failed: " + chain);
					}
				}
			}
			window.staleReads.forEach((stale) -> problems.add("stale read: " + stale));
			check("replication", health.replication(), this.replication, problems);
			check("connectionPools", health.pools(), this.pools, problems);
			check("cache circuit", health.circuit(), this.circuit, problems);
		}

		private void check(String what, List<String> seen, String expected, List<String> problems) {
			String sequence = String.join(" → ", seen);
			if (!sequence.matches(expected)) {
				problems.add(what + " went " + sequence + ", expected " + expected.replace("\\Q", "").replace("\\E", ""));
			}
		}

	}

	@FunctionalInterface
	interface Action {

		void run() throws Exception;

	}

	private long checkLedger(List<String> problems) throws SQLException {
		Map<Long, Long> acknowledged = this.workload.acknowledged();
		long missing = 0;
		this.cluster.awaitReplication();
		for (PostgresNode node : this.cluster.nodes()) {
			long missingOnNode = missing(node, acknowledged);
			if (missingOnNode > 0) {
				problems.add(missingOnNode + " acknowledged writes missing on " + node.name());
			}
			missing += missingOnNode;
		}
		return missing;
	}

	private long missing(PostgresNode node, Map<Long, Long> acknowledged) throws SQLException {
		Map<Long, Long> stored = new HashMap<>();
		try (Connection connection = node.connect(); Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select id, value from fault_ledger")) {
			while (rows.next()) {
				stored.put(rows.getLong(1), rows.getLong(2));
			}
		}
		return acknowledged.entrySet().stream().filter((ack) -> !ack.getValue().equals(stored.get(ack.getKey()))).count();
	}

	private PostgresNode mostAdvanced(PostgresNode a, PostgresNode b) throws SQLException {
		try (Connection connection = a.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select pg_last_wal_receive_lsn() - '" + receiveLsn(b)
						+ "'::pg_lsn >= 0")) {
			result.next();
			return result.getBoolean(1) ? a : b;
		}
	}

	private static String receiveLsn(PostgresNode node) throws SQLException {
		try (Connection connection = node.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select pg_last_wal_receive_lsn()")) {
			result.next();
			return result.getString(1);
		}
	}

	private boolean cachingResumed() {
		CacheCounters statistics = this.context.getBean(CacheCounters.class);
		long hits = statistics.of("fault-products").hits();
		return this.context.getBean(CircuitBreaker.class).state() == CircuitBreaker.State.CLOSED
				&& waitForMoreHits(statistics, hits);
	}

	private static boolean waitForMoreHits(CacheCounters statistics, long hits) {
		long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
		while (System.nanoTime() < deadline) {
			if (statistics.of("fault-products").hits() > hits) {
				return true;
			}
			Thread.onSpinWait();
		}
		return false;
	}

	/** A real crash of Redis: SIGKILL to its process (embedded-redis' own stop is graceful). */
	private void killRedis() {
		// Redis rewrites its process title to "<binary> <address>:<port>": read it from /proc.
		List<ProcessHandle> servers = ProcessHandle.current()
			.descendants()
			.filter((process) -> commandLine(process).contains("redis-server"))
			.filter((process) -> commandLine(process).contains(":" + this.redisPort))
			.toList();
		assertThat(servers).as("the Redis server process").hasSize(1);
		ProcessHandle server = servers.get(0);
		server.destroyForcibly();
		server.onExit().join();
	}

	private static String commandLine(ProcessHandle process) {
		try {
			return Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline")).replace('\0', ' ');
		}
		catch (IOException ex) {
			return "";
		}
	}

	private RedisServer startRedis() throws IOException {
		RedisServer server = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(this.redisPort)
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		server.start();
		return server;
	}

	private void createTables() throws SQLException {
		try (Connection connection = this.cluster.primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("create table fault_ledger (id bigserial primary key, value bigint not null)");
			statement.execute("create table fault_product (id int primary key, name text not null, price bigint)");
			statement.execute("insert into fault_product select i, 'product ' || i, 100 from generate_series(1, 20) i");
		}
		this.cluster.awaitReplication();
	}

	/**
	 * A commit is acknowledged once one replica has flushed it: with asynchronous
	 * replication, promoting a replica after the primary crashed may lose the last
	 * acknowledged writes, whatever the application does.
	 */
	private void replicateSynchronously() throws SQLException {
		try (Connection connection = this.cluster.primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("alter system set synchronous_standby_names = 'ANY 1 (*)'");
			statement.execute("select pg_reload_conf()");
		}
	}

	/**
	 * The suite's settings. Issue #10's suite runs a dozen faults in one JVM, so it tightens
	 * the timeouts and probe pace (each row's bounds are derived from them, see
	 * {@link Timeouts}) and names every host in the primary's URL, as a user of a failover
	 * setup without Patroni would. Boot's and the starter's defaults under the same faults
	 * are covered by {@code PrimaryLossIT}, {@code ReplicaFaultsUnderReadLoadIT},
	 * {@code ReplicaOverloadIT} and {@code HealthGroupsIT}.
	 */
	private Map<String, String> properties() {
		Map<String, String> properties = new LinkedHashMap<>(this.cluster.springBootProperties());
		String hosts = this.cluster.nodes()
			.stream()
			.map((node) -> node.host() + ":" + node.port())
			.collect(Collectors.joining(","));
		properties.put("spring.datasource.url", "jdbc:postgresql://" + hosts + "/" + this.cluster.database()
				+ "?targetServerType=primary&hostRecheckSeconds=1");
		properties.put("spring.flyway.enabled", "false");
		properties.put("spring.datasource.hikari.maximum-pool-size", Integer.toString(POOL_SIZE));
		properties.put("spring.datasource.hikari.connection-timeout", "1000");
		properties.put("replica-router.timeouts.connect", "1s");
		properties.put("replica-router.timeouts.socket", "2s");
		properties.put("replica-router.timeouts.borrow", "1s");
		properties.put("replica-router.max-lag", "1s");
		properties.put("replica-router.health.probe-interval", "200ms");
		properties.put("replica-router.health.probe-timeout", "500ms");
		properties.put("replica-router.health.max-backoff", "1s");
		properties.put("replica-router.health.pool-saturation-period", "1s");
		properties.put("spring.cache.type", "redis");
		properties.put("spring.data.redis.host", "127.0.0.1");
		properties.put("spring.data.redis.port", Integer.toString(this.redisPort));
		properties.put("replica-router.cache.circuit-breaker.open-duration", "1s");
		return properties;
	}

	static boolean isPoolTimeout(Throwable failure) {
		return chain(failure).contains("primary - Connection is not available, request timed out after");
	}

	/**
	 * A write failed clearly when the error names the primary (its pool, or the router's
	 * own exception) or is the driver's connection failure (SQLSTATE class 08) or the
	 * server's shutdown message (57P01 to 57P03).
	 */
	static boolean isClearPrimaryFailure(Throwable failure) {
		if (chain(failure).contains("primary")) {
			return true;
		}
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			if (ex instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P0"))) {
				return true;
			}
		}
		return false;
	}

	static String chain(Throwable failure) {
		List<String> messages = new ArrayList<>();
		for (Throwable ex = failure; ex != null && messages.size() < 8; ex = ex.getCause()) {
			String state = (ex instanceof SQLException sql) ? "[" + sql.getSQLState() + "]" : "";
			messages.add(ex.getClass().getSimpleName() + state + ": " + ex.getMessage());
		}
		return String.join(" <- ", messages);
	}

	private static List<String> distinctMessages(List<Failure> failures) {
		Set<String> messages = new LinkedHashSet<>();
		synchronized (failures) {
			for (Failure failure : failures) {
				// The deepest SQLException says what the database or the pool said.
				Throwable root = failure.failure();
				for (Throwable ex = root; ex != null; ex = ex.getCause()) {
					if (ex instanceof SQLException) {
						root = ex;
					}
				}
				String state = (root instanceof SQLException sql) ? " [" + sql.getSQLState() + "]" : "";
				String message = String.valueOf(root.getMessage()).replaceAll("\\d+", "N").replace("|", "/");
				messages.add(root.getClass().getSimpleName() + state + ": "
						+ ((message.length() > 110) ? message.substring(0, 110) + "…" : message));
			}
		}
		return List.copyOf(messages);
	}

	/**
	 * The timeouts the application runs with, read back from its beans, and the bounds on
	 * a caller's wait they imply.
	 */
	record Timeouts(Duration replicaSocket, Duration replicaBorrow, Duration replicaValidation,
			Duration primaryBorrow, Duration probeInterval,
			Duration probeTimeout, Duration maxBackoff, Duration maxLag, Duration redisCommand, Duration circuitOpen,
			Duration saturationPeriod, Duration hostRecheck) {

		/**
		 * Hikari retries a failed connection attempt after a backoff that doubles up to 5 s
		 * (HikariPool.PoolEntryCreator): a pool may stay empty that long after its server
		 * came back.
		 */
		static final Duration HIKARI_RETRY_BACKOFF = Duration.ofSeconds(5);

		/** Lettuce's default upper bound of its reconnect delay (ClientOptions). */
		static final Duration LETTUCE_MAX_RECONNECT_DELAY = Duration.ofSeconds(30);

		static Timeouts of(ConfigurableApplicationContext context) {
			ReplicaRouterProperties router = context.getBean(ReplicaRouterProperties.class);
			DatabaseNodes nodes = context.getBean(DatabaseNodes.class);
			HikariDataSource primary = (HikariDataSource) nodes.primary().dataSource();
			HikariDataSource replica = (HikariDataSource) nodes.replicas().get(0).dataSource();
			ReplicaHealthMonitor.MonitorSettings monitor = context.getBean(ReplicaHealthMonitor.class).settings();
			Duration redis = context.getEnvironment()
				.getProperty("replica-router.cache.command-timeout", Duration.class, Duration.ofMillis(250));
			Duration open = context.getEnvironment()
				.getProperty("replica-router.cache.circuit-breaker.open-duration", Duration.class, Duration.ofSeconds(5));
			Duration saturation = context.getEnvironment()
				.getProperty("replica-router.health.pool-saturation-period", Duration.class, Duration.ofSeconds(10));
			java.util.regex.Matcher recheck = Pattern.compile("hostRecheckSeconds=(\\d+)").matcher(primary.getJdbcUrl());
			Duration hostRecheck = Duration.ofSeconds(recheck.find() ? Long.parseLong(recheck.group(1)) : 10);
			// Hikari checks a connection idle for a while with isValid(seconds): at least 1 s.
			Duration validation = Duration.ofSeconds(Math.max(1, replica.getValidationTimeout() / 1000));
			// What a replica's socket really gets: never less than its statement timeout plus a
			// margin, whatever replica-router.timeouts.socket says.
			Duration socket = StatementTimeouts.socketTimeout(router.getTimeouts().getSocket(),
					router.getTimeouts().getStatement());
			return new Timeouts(socket, Duration.ofMillis(replica.getConnectionTimeout()),
					validation, Duration.ofMillis(primary.getConnectionTimeout()), monitor.probeInterval(), monitor.probeTimeout(),
					monitor.maxBackoff(), monitor.thresholds().maxLag(), redis, open, saturation, hostRecheck);
		}

		/**
		 * A replica back from DOWN: the next probe (at most the longest backoff away, taking
		 * at most the probe timeout), and its pool reconnecting.
		 */
		Duration replicaRejoin() {
			return this.maxBackoff.plus(this.probeTimeout).plus(HIKARI_RETRY_BACKOFF).plus(SCHEDULING_MARGIN);
		}

		/** A replica no longer held back replays at once and rejoins at the next probes. */
		Duration lagRejoin() {
			return this.probeInterval.multipliedBy(2).plus(this.probeTimeout).plus(SCHEDULING_MARGIN);
		}

		/**
		 * A primary back (restarted or promoted): the driver may trust what it learnt about
		 * each host for hostRecheckSeconds, the pool reconnects after its backoff, and a
		 * write waiting meanwhile times out after the connection timeout; then its pool is
		 * clear once calm for the saturation period.
		 */
		Duration primaryReconnect() {
			return this.hostRecheck.plus(HIKARI_RETRY_BACKOFF).plus(this.primaryBorrow).plus(SCHEDULING_MARGIN);
		}

		Duration primaryReturn() {
			// A primary that is down is probed at the interval, never backed off.
			Duration probe = this.probeInterval.plus(this.probeTimeout);
			Duration connect = this.hostRecheck.plus(HIKARI_RETRY_BACKOFF).plus(this.primaryBorrow);
			return max(probe, connect).plus(this.saturationPeriod).plus(SCHEDULING_MARGIN);
		}

		/**
		 * Redis back: Lettuce reconnects with an exponential backoff (doubling from 1 ms,
		 * up to 30 s by default), so its next attempt comes at most about as long after the
		 * restart as the outage lasted; then the circuit tries Redis again after the open
		 * duration.
		 */
		Duration redisReturn(Duration outage) {
			Duration reconnect = (outage.compareTo(LETTUCE_MAX_RECONNECT_DELAY) < 0) ? outage
					: LETTUCE_MAX_RECONNECT_DELAY;
			return reconnect.plus(this.circuitOpen).plus(this.redisCommand).plus(SCHEDULING_MARGIN);
		}

		/** A pool is clear once calm for the saturation period. */
		Duration saturationClears() {
			return this.saturationPeriod.plus(this.probeInterval).plus(SCHEDULING_MARGIN);
		}

		/** No node fails: a call may wait for a connection once. */
		Duration healthyPath() {
			return this.replicaBorrow;
		}

		/**
		 * A replica fails under a read: a borrow from its pool fails after the borrow
		 * timeout (plus, if it was checking an idle connection when the timeout passed,
		 * Hikari's validation), or a statement on it fails when the monitor finds the replica
		 * down (a probe interval plus the probe timeout) and aborts its connections in use;
		 * then the read runs again elsewhere, borrowing once more. (Without the abort, the
		 * statement would wait for the socket timeout.)
		 */
		Duration replicaFailure() {
			return max(this.replicaBorrow.plus(this.replicaValidation), this.probeInterval.plus(this.probeTimeout))
				.plus(this.replicaBorrow);
		}

		/** No primary: a write waits the primary pool's connection timeout; reads as above. */
		Duration primaryFailure() {
			return max(this.primaryBorrow, replicaFailure());
		}

		/** Redis gone: a cached call waits a Redis command timeout, then reads. */
		Duration redisFailure() {
			return this.redisCommand.plus(healthyPath());
		}

		private static Duration max(Duration a, Duration b) {
			return (a.compareTo(b) >= 0) ? a : b;
		}

		String describe() {
			return "Bounds derived from: replica socket timeout " + this.replicaSocket.toMillis() + " ms, replica borrow "
					+ this.replicaBorrow.toMillis() + " ms (validation " + this.replicaValidation.toMillis() + " ms), primary connection timeout " + this.primaryBorrow.toMillis()
					+ " ms, probe every " + this.probeInterval.toMillis() + " ms (timeout " + this.probeTimeout.toMillis()
					+ " ms, backoff up to " + this.maxBackoff.toMillis() + " ms), max-lag " + this.maxLag.toMillis()
					+ " ms, Redis command timeout " + this.redisCommand.toMillis() + " ms, circuit open "
					+ this.circuitOpen.toMillis() + " ms, pool saturation period " + this.saturationPeriod.toMillis()
					+ " ms, driver hostRecheckSeconds " + this.hostRecheck.toSeconds() + ", Hikari's connection retry "
					+ "backoff (up to " + HIKARI_RETRY_BACKOFF.toSeconds() + " s); each bound includes " + SCHEDULING_MARGIN.toMillis()
					+ " ms for scheduling on a loaded machine. " + THREADS + " workload threads; pools of " + POOL_SIZE
					+ "; lsn consistency; primary URL lists every node with targetServerType=primary; "
					+ "synchronous_standby_names = 'ANY 1 (*)'.";
		}

	}

	/**
	 * The health indicators and the cache circuit, polled every 50 ms.
	 */
	static final class HealthTimeline implements AutoCloseable {

		private final HealthIndicator replication;

		private final HealthIndicator pools;

		private final CircuitBreaker breaker;

		private final Thread poller;

		private volatile Sequences current;

		private volatile boolean running = true;

		HealthTimeline(ConfigurableApplicationContext context) {
			this.replication = context.getBean(ReplicationHealthIndicator.class);
			this.pools = context.getBean(ConnectionPoolsHealthIndicator.class);
			this.breaker = context.getBean(CircuitBreaker.class);
			this.current = new Sequences();
			this.poller = new Thread(this::poll, "health-poller");
			this.poller.setDaemon(true);
			this.poller.start();
		}

		String pools() {
			return status(this.pools);
		}

		Sequences newWindow() {
			Sequences next = new Sequences();
			this.current = next;
			sample(next);
			return next;
		}

		private void poll() {
			while (this.running) {
				sample(this.current);
				try {
					Thread.sleep(50);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}

		private void sample(Sequences sequences) {
			sequences.add(status(this.replication), status(this.pools), this.breaker.state().name());
		}

		private static String status(HealthIndicator indicator) {
			org.springframework.boot.health.contributor.Health health = indicator.health(false);
			return (health != null) ? health.getStatus().getCode() : "null";
		}

		@Override
		public void close() throws InterruptedException {
			this.running = false;
			this.poller.interrupt();
			this.poller.join(5000);
		}

		/** What one row saw, each a sequence of distinct consecutive values. */
		static final class Sequences {

			private final List<String> replication = new ArrayList<>();

			private final List<String> pools = new ArrayList<>();

			private final List<String> circuit = new ArrayList<>();

			private volatile boolean closed;

			synchronized void add(String replication, String pools, String circuit) {
				if (this.closed) {
					return;
				}
				append(this.replication, replication);
				append(this.pools, pools);
				append(this.circuit, circuit);
			}

			private static void append(List<String> sequence, String value) {
				if (sequence.isEmpty() || !sequence.get(sequence.size() - 1).equals(value)) {
					sequence.add(value);
				}
			}

			synchronized void close() {
				this.closed = true;
			}

			synchronized List<String> replication() {
				return List.copyOf(this.replication);
			}

			synchronized List<String> pools() {
				return List.copyOf(this.pools);
			}

			synchronized List<String> circuit() {
				return List.copyOf(this.circuit);
			}

			synchronized String describe() {
				StringBuilder description = new StringBuilder(String.join(" → ", this.replication));
				if (this.pools.size() > 1) {
					description.append("; pools ").append(String.join(" → ", this.pools));
				}
				if (this.circuit.size() > 1) {
					description.append("; cache circuit ").append(String.join(" → ", this.circuit));
				}
				return description.toString();
			}

		}

	}

}
