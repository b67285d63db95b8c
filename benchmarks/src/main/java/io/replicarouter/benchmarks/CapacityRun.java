package io.replicarouter.benchmarks;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.replicarouter.benchmarks.LoadRun.Recorded;
import io.replicarouter.benchmarks.LoadRun.Recorder;
import io.replicarouter.benchmarks.LoadRun.RoutingCounts;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What replicas are for: read capacity. Every server of a primary + 2 replica cluster gets
 * the same CPU quota ({@link CpuQuota}), so each stands for a host of the same size, and
 * the same client threads run a read-heavy workload whose cost is on the server: 90%
 * read-only transactions that aggregate over a table of {@value #ROWS} rows (a sequential
 * scan, no index helps), 10% read-write transactions inserting one row. Four
 * configurations in one run: the primary alone (replica-router off), primary + 1 replica,
 * primary + 2 replicas (replica-router with its defaults: reads stay off the primary), and
 * primary + 2 replicas with the primary in the read rotation
 * ({@code replica-router.primary.read-weight=1}: three servers of equal size serve reads);
 * then the primary alone again. The host's speed drifts over minutes on a shared machine,
 * so the baseline is the mean of the first and the last configuration: drift then moves
 * the replicated configurations and their baseline alike. In the runs of 2026-12-04 the
 * last was the slower every time, for a reason not found, so the mean flatters the ratios;
 * the table shows both runs, and the README reads the goal against the first as well.
 */
final class CapacityRun {

	static final int ROWS = 100_000;

	/**
	 * Buckets of {@value #ROWS} / 50 rows each; a read aggregates 20 of them (40% of the
	 * table) in an index-only scan.
	 */
	private static final int BUCKETS = 50;

	private static final int BUCKETS_PER_READ = 20;

	private static final String READ = "select count(*), sum(amount) from capacity_items where bucket between ? and ?";

	private static final String WRITE = "insert into capacity_events (item, amount) values (?, ?)";

	private CapacityRun() {
	}

	/**
	 * Start a cluster, give each server its quota and run the configurations.
	 * @param quota the quotas
	 * @param threads client threads, the same in every configuration
	 * @param warmUp unmeasured time before each configuration
	 * @param duration measured time of each configuration
	 * @return the results
	 * @throws Exception if a run fails
	 */
	static Outcome run(CpuQuota quota, int threads, Duration warmUp, Duration duration) throws Exception {
		try (PostgresReplicationCluster cluster = PostgresReplicationCluster.builder()
			.replicas(2)
			// One process per query, as the quota is per server: no parallel workers.
			.serverSetting("max_parallel_workers_per_gather", "0")
			// The aggregate as an index-only scan on every server. A sequential or bitmap scan
			// on a hot standby checks every row's visibility (the page-level all-visible
			// shortcut is off during recovery), so the same scan costs a replica about 1.6x the
			// primary's CPU: a property of PostgreSQL's standbys, not of routing.
			.serverSetting("enable_seqscan", "off")
			.serverSetting("enable_bitmapscan", "off")
			.serverSetting("shared_buffers", "64MB")
			.build()
			.start()) {
			cluster.awaitReplication();
			createTables(cluster);
			cluster.awaitReplication();
			markAllVisible(cluster);
			cluster.awaitReplication();
			// Write out what loading dirtied now, not during the first configuration: the
			// checkpointer runs in the primary's group and would take its quota.
			checkpoint(cluster);
			Map<String, CpuQuota.Group> groups = new LinkedHashMap<>();
			List<PostgresNode> nodes = cluster.nodes();
			for (int i = 0; i < nodes.size(); i++) {
				String name = (i == 0) ? "primary" : "replica-" + i;
				CpuQuota.Group group = quota.group(name);
				group.addWithDescendants(nodes.get(i).postmasterPid());
				groups.put(name, group);
			}
			List<Result> results = new ArrayList<>();
			results.add(runOnce("primary alone (replica-router off)", cluster, 0, groups, threads, warmUp, duration));
			results.add(runOnce("primary + 1 replica (replica-router, defaults)", cluster, 1, groups, threads, warmUp,
					duration));
			results.add(runOnce("primary + 2 replicas (replica-router, defaults)", cluster, 2, groups, threads, warmUp,
					duration));
			results.add(runOnce("primary + 2 replicas, primary in the read rotation (replica-router, "
					+ "primary.read-weight=1)", cluster, 2, groups, threads, warmUp, duration,
					"--replica-router.primary.read-weight=1"));
			results.add(runOnce("primary alone again (replica-router off)", cluster, 0, groups, threads, warmUp,
					duration));
			return new Outcome(quota.describe(), quota.cpus(), threads, duration, warmUp, results);
		}
		finally {
			quota.close();
		}
	}

	private static void createTables(PostgresReplicationCluster cluster) throws Exception {
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			statement.execute("create table capacity_items (id bigint primary key, bucket int not null, "
					+ "amount int not null, label text not null)");
			statement.execute("insert into capacity_items select g, g % " + BUCKETS + ", (g * 7) % 1000, 'item ' || g "
					+ "from generate_series(1, " + ROWS + ") g");
			statement.execute("create index capacity_items_bucket_amount on capacity_items (bucket, amount)");
			statement.execute("create table capacity_events (id bigserial primary key, item bigint not null, "
					+ "amount int not null, at timestamptz not null default now())");
		}
	}

	private static void checkpoint(PostgresReplicationCluster cluster) throws Exception {
		for (PostgresNode node : cluster.nodes()) {
			try (Connection connection = node.connect(); Statement statement = connection.createStatement()) {
				statement.execute("checkpoint");
			}
		}
	}

	/**
	 * Vacuum until every page of the table is all-visible, so that the index-only scan never
	 * visits the heap, on the primary and on the replicas (the visibility map is WAL-logged).
	 * A replica's feedback ({@code hot_standby_feedback}) can hold the first vacuum back
	 * until it has seen the rows.
	 */
	private static void markAllVisible(PostgresReplicationCluster cluster) throws Exception {
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement()) {
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (true) {
				statement.execute("vacuum (freeze, analyze) capacity_items");
				try (var result = statement.executeQuery(
						"select relallvisible >= relpages from pg_class where relname = 'capacity_items'")) {
					result.next();
					if (result.getBoolean(1)) {
						return;
					}
				}
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("capacity_items did not become all-visible");
				}
				Thread.sleep(500);
			}
		}
	}

	private static Result runOnce(String name, PostgresReplicationCluster cluster, int replicas,
			Map<String, CpuQuota.Group> groups, int threads, Duration warmUp, Duration duration, String... settings)
			throws Exception {
		List<String> arguments = new ArrayList<>();
		arguments.add("--spring.config.name=replica-router-benchmarks");
		arguments.add("--spring.datasource.url=" + cluster.primary().jdbcUrl());
		arguments.add("--spring.datasource.username=" + cluster.username());
		arguments.add("--spring.datasource.password=" + cluster.password());
		arguments.add("--spring.datasource.hikari.maximum-pool-size=" + threads);
		arguments.add("--replica-router.enabled=" + (replicas > 0));
		for (int i = 0; i < replicas; i++) {
			arguments.add("--replica-router.replicas[" + i + "].url=" + cluster.replica(i).jdbcUrl());
			arguments.add("--replica-router.replicas[" + i + "].hikari.maximum-pool-size=" + threads);
		}
		arguments.addAll(List.of(settings));
		arguments.add("--logging.level.root=WARN");
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Target.RouterApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.run(arguments.toArray(String[]::new))) {
			if (replicas > 0) {
				ReplicaHealthMonitor monitor = context.getBean(ReplicaHealthMonitor.class);
				long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
				while (monitor.eligibleReplicas().size() < replicas && System.nanoTime() < deadline) {
					Thread.sleep(100);
				}
				if (monitor.eligibleReplicas().size() < replicas) {
					throw new IllegalStateException("Replicas not in rotation: " + monitor.describeIneligibleReplicas());
				}
			}
			DataSource dataSource = context.getBean(DataSource.class);
			Workload workload = new Workload(new JdbcTemplate(dataSource),
					context.getBean(PlatformTransactionManager.class));
			load(workload, threads, warmUp);
			Map<String, Long> cpuBefore = usage(groups);
			Map<String, Long> throttledBefore = throttled(groups);
			RoutingCounts routedBefore = RoutingCounts.of(dataSource);
			long started = System.nanoTime();
			Recorded recorded = load(workload, threads, duration);
			long elapsed = System.nanoTime() - started;
			RoutingCounts routed = RoutingCounts.of(dataSource).minus(routedBefore);
			Map<String, Double> cpu = new LinkedHashMap<>();
			Map<String, Long> cpuAfter = usage(groups);
			cpuAfter.forEach((node, nanos) -> cpu.put(node, (nanos - cpuBefore.get(node)) / (double) elapsed));
			Map<String, Long> throttledPeriods = new LinkedHashMap<>();
			throttled(groups).forEach((node, count) -> throttledPeriods.put(node, count - throttledBefore.get(node)));
			return new Result(name, replicas, recorded, routed, cpu, throttledPeriods);
		}
	}

	private static Map<String, Long> usage(Map<String, CpuQuota.Group> groups) throws Exception {
		Map<String, Long> usage = new LinkedHashMap<>();
		for (Map.Entry<String, CpuQuota.Group> entry : groups.entrySet()) {
			usage.put(entry.getKey(), entry.getValue().usageNanos());
		}
		return usage;
	}

	private static Map<String, Long> throttled(Map<String, CpuQuota.Group> groups) throws Exception {
		Map<String, Long> throttled = new LinkedHashMap<>();
		for (Map.Entry<String, CpuQuota.Group> entry : groups.entrySet()) {
			throttled.put(entry.getKey(), entry.getValue().throttledPeriods());
		}
		return throttled;
	}

	private static Recorded load(Workload workload, int threads, Duration duration) throws InterruptedException {
		long end = System.nanoTime() + duration.toNanos();
		List<Recorder> recorders = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(threads);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		for (int i = 0; i < threads; i++) {
			Recorder recorder = new Recorder();
			recorders.add(recorder);
			Thread thread = new Thread(() -> {
				try {
					while (System.nanoTime() < end) {
						long start = System.nanoTime();
						boolean read = workload.next();
						recorder.add(read, System.nanoTime() - start);
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
				finally {
					done.countDown();
				}
			}, "capacity-" + i);
			thread.start();
		}
		done.await();
		if (failure.get() != null) {
			throw new IllegalStateException("The capacity load failed", failure.get());
		}
		return Recorded.merge(recorders, duration);
	}

	/**
	 * 90% read-only aggregates, 10% read-write inserts, each in a Spring transaction.
	 */
	private static final class Workload {

		private final JdbcTemplate jdbc;

		private final TransactionTemplate readOnly;

		private final TransactionTemplate readWrite;

		Workload(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
			this.jdbc = jdbc;
			this.readOnly = new TransactionTemplate(transactionManager);
			this.readOnly.setReadOnly(true);
			this.readWrite = new TransactionTemplate(transactionManager);
		}

		boolean next() {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			if (random.nextInt(10) == 0) {
				long item = 1 + random.nextInt(ROWS);
				int amount = random.nextInt(1000);
				this.readWrite.executeWithoutResult((status) -> this.jdbc.update(WRITE, item, amount));
				return false;
			}
			int first = random.nextInt(BUCKETS - BUCKETS_PER_READ + 1);
			this.readOnly
				.executeWithoutResult((status) -> this.jdbc.queryForMap(READ, first, first + BUCKETS_PER_READ - 1));
			return true;
		}

	}

	/**
	 * One configuration's outcome.
	 * @param name the configuration
	 * @param replicas replicas in rotation
	 * @param recorded latencies
	 * @param routed what replica-router routed where (empty when it is off)
	 * @param cpu CPUs each server used on average during the measured time
	 * @param throttledPeriods quota periods in which each server ran out of its quota
	 */
	record Result(String name, int replicas, Recorded recorded, RoutingCounts routed, Map<String, Double> cpu,
			Map<String, Long> throttledPeriods) {

		double readThroughput() {
			return this.recorded.reads().length / (this.recorded.duration().toNanos() / 1e9);
		}

		double writeThroughput() {
			return this.recorded.writes().length / (this.recorded.duration().toNanos() / 1e9);
		}

		/**
		 * Return the share of read-only transactions the primary served, in percent.
		 * @return the share, 100 when replica-router is off
		 */
		double primaryReadShare() {
			long reads = this.routed.reads();
			if (reads == 0) {
				return 100;
			}
			return 100.0 * this.routed.readsByNode().getOrDefault("primary", 0L) / reads;
		}

	}

	/**
	 * The whole capacity run.
	 * @param quota how the quota was set
	 * @param cpusPerServer the quota, in CPUs
	 * @param threads client threads
	 * @param duration measured time per configuration
	 * @param warmUp warm-up per configuration
	 * @param results primary alone, + 1 replica, + 2 replicas, + 2 replicas with the primary
	 * in the read rotation, primary alone again
	 */
	record Outcome(String quota, double cpusPerServer, int threads, Duration duration, Duration warmUp,
			List<Result> results) {

		Result alone() {
			return this.results.get(0);
		}

		Result aloneAgain() {
			return this.results.get(4);
		}

		/**
		 * Return the baseline: the mean read throughput of the primary alone, first and
		 * last.
		 * @return reads per second
		 */
		double aloneReads() {
			return (alone().readThroughput() + aloneAgain().readThroughput()) / 2;
		}

		/**
		 * Return the primary's mean CPU when alone, first and last.
		 * @return CPUs
		 */
		double alonePrimaryCpu() {
			return (alone().cpu().getOrDefault("primary", Double.NaN)
					+ aloneAgain().cpu().getOrDefault("primary", Double.NaN)) / 2;
		}

		Result withTwoReplicas() {
			return this.results.get(2);
		}

		Result withThreeReadingServers() {
			return this.results.get(3);
		}

	}

}
