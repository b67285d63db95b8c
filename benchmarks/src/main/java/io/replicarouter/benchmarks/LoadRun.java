package io.replicarouter.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import javax.sql.DataSource;

import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.routing.RoutingReason;
import io.replicarouter.routing.RoutingStatistics;
import io.replicarouter.sample.catalog.CatalogService;
import io.replicarouter.sample.orders.OrderService;
import io.replicarouter.sample.profiles.Profile;
import io.replicarouter.sample.profiles.ProfileService;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The end-to-end run: the sample shop's service layer (catalogue, profiles, orders) under
 * a fixed-duration load of N threads, 90% read-only and 10% read-write transactions,
 * against a primary and two replicas; then the same application with replica-router
 * switched off, on the primary alone.
 * <p>
 * Each thread is one user: its reads follow its own writes within the thread's
 * consistency scope, replica-router's default outside web requests.
 */
public final class LoadRun {

	private static final int PRODUCTS = 100;

	private static final int CUSTOMERS = 20;

	private LoadRun() {
	}

	/**
	 * Run the configurations on one cluster, in the same run: replica-router with its
	 * defaults, replica-router with another {@code consistency.max-wait} (the p99 and the
	 * primary's share of reads both ways), and the primary alone.
	 * @param cluster a started cluster with two replicas
	 * @param threads load threads
	 * @param warmUp unmeasured time before each run
	 * @param duration measured time of each run
	 * @param otherMaxWait the {@code consistency.max-wait} of the second run
	 * @return the replicated runs (defaults, then the other wait), then the primary-only one
	 * @throws Exception if a run fails
	 */
	public static List<Result> run(PostgresReplicationCluster cluster, int threads, Duration warmUp, Duration duration,
			String otherMaxWait) throws Exception {
		if (threads > CUSTOMERS) {
			// Each thread renames only customers no other thread renames.
			throw new IllegalArgumentException("At most " + CUSTOMERS + " load threads");
		}
		// Unmeasured: the first run on a fresh cluster also pays for its start (autovacuum and
		// checkpoints after the sample's migrations, cold caches), which would count against
		// whichever configuration came first.
		runOnce("warm-up", cluster, true, List.of(), threads, warmUp, warmUp);
		List<Result> results = new ArrayList<>();
		results.add(runOnce("primary + 2 replicas (replica-router, defaults)", cluster, true, List.of(), threads, warmUp,
				duration));
		results.add(runOnce("primary + 2 replicas (replica-router, consistency.max-wait=" + otherMaxWait + ")", cluster,
				true, List.of("--replica-router.consistency.max-wait=" + otherMaxWait), threads, warmUp, duration));
		results.add(runOnce("primary alone (replica-router off)", cluster, false, List.of(), threads, warmUp,
				duration));
		return results;
	}

	private static Result runOnce(String name, PostgresReplicationCluster cluster, boolean replicas,
			List<String> settings, int threads, Duration warmUp, Duration duration) throws Exception {
		List<String> arguments = new ArrayList<>();
		cluster.springBootProperties().forEach((key, value) -> arguments.add("--" + key + "=" + value));
		arguments.add("--replica-router.enabled=" + replicas);
		// No Redis cache in front of the database: every call is a transaction.
		arguments.add("--spring.cache.type=none");
		arguments.add("--replica-router.cache.enabled=false");
		arguments.add("--spring.datasource.hikari.maximum-pool-size=" + (threads + 2));
		arguments.add("--logging.level.root=WARN");
		arguments.addAll(settings);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(SampleServices.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.run(arguments.toArray(String[]::new))) {
			cluster.awaitReplication();
			Services services = new Services(context.getBean(CatalogService.class), context.getBean(ProfileService.class),
					context.getBean(OrderService.class));
			load(services, threads, warmUp, new ReadYourWrites());
			Map<String, Long> transactionsBefore = serverTransactions(cluster);
			DataSource dataSource = context.getBean(DataSource.class);
			RoutingCounts routedBefore = RoutingCounts.of(dataSource);
			ReadYourWrites pairs = new ReadYourWrites();
			Recorded recorded = load(services, threads, duration, pairs);
			RoutingCounts routed = RoutingCounts.of(dataSource).minus(routedBefore);
			Map<String, Long> transactions = minus(serverTransactions(cluster), transactionsBefore);
			return new Result(name, threads, duration, recorded, routed, transactions, pairs.pairs.sum(),
					pairs.stale.sum());
		}
	}

	private static Recorded load(Services services, int threads, Duration duration, ReadYourWrites pairs)
			throws InterruptedException {
		long end = System.nanoTime() + duration.toNanos();
		List<Recorder> recorders = new ArrayList<>();
		CountDownLatch done = new CountDownLatch(threads);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		for (int i = 0; i < threads; i++) {
			Recorder recorder = new Recorder();
			recorders.add(recorder);
			User user = new User(i, threads, pairs);
			Thread thread = new Thread(() -> {
				try {
					while (System.nanoTime() < end) {
						long start = System.nanoTime();
						boolean read = services.next(user);
						recorder.add(read, System.nanoTime() - start);
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
				finally {
					done.countDown();
				}
			}, "load-" + i);
			thread.start();
		}
		done.await();
		if (failure.get() != null) {
			throw new IllegalStateException("The load failed", failure.get());
		}
		return Recorded.merge(recorders, duration);
	}

	/**
	 * Transactions each server committed or rolled back ({@code pg_stat_database}), health
	 * probes included.
	 */
	private static Map<String, Long> serverTransactions(PostgresReplicationCluster cluster) throws SQLException {
		Map<String, Long> counts = new LinkedHashMap<>();
		List<PostgresNode> nodes = cluster.nodes();
		for (int i = 0; i < nodes.size(); i++) {
			PostgresNode node = nodes.get(i);
			try (Connection connection = DriverManager.getConnection(node.jdbcUrl(), cluster.username(),
					cluster.password()); Statement statement = connection.createStatement()) {
				// A new backend reads fresh statistics, not its transaction's snapshot.
				statement.execute("select pg_stat_clear_snapshot()");
				try (ResultSet result = statement.executeQuery(
						"select xact_commit + xact_rollback from pg_stat_database where datname = current_database()")) {
					result.next();
					counts.put((i == 0) ? "primary" : "replica-" + i, result.getLong(1));
				}
			}
		}
		return counts;
	}

	private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
		Map<String, Long> difference = new LinkedHashMap<>();
		after.forEach((node, count) -> difference.put(node, count - before.getOrDefault(node, 0L)));
		return difference;
	}

	/**
	 * The workload: 90% reads (a product, a profile, a customer's recent orders), 10%
	 * writes (a rename, an order, a price change), over the sample's seeded rows.
	 */
	private record Services(CatalogService catalog, ProfileService profiles, OrderService orders) {

		/**
		 * Run one operation. Right after renaming one of its own customers, a user reads
		 * that profile back: a read-your-writes pair, stale if the name is not the one just
		 * written (no other user renames that customer).
		 * @param user the thread's user
		 * @return whether it was a read
		 */
		boolean next(User user) {
			ThreadLocalRandom random = ThreadLocalRandom.current();
			if (user.renamed != null) {
				Profile profile = this.profiles.find(user.renamed).orElseThrow();
				user.pairs.record(!user.lastName.equals(profile.displayName()));
				user.renamed = null;
				return true;
			}
			long product = 1 + random.nextInt(PRODUCTS);
			long customer = 1 + random.nextInt(CUSTOMERS);
			int dice = random.nextInt(100);
			if (dice < 30) {
				this.catalog.find(product);
			}
			else if (dice < 60) {
				this.profiles.find(customer);
			}
			else if (dice < 90) {
				this.orders.recent(customer, 10);
			}
			else if (dice < 94) {
				long own = user.ownCustomer(random);
				String name = "Customer " + own + " " + random.nextInt(1_000_000);
				this.profiles.rename(own, name);
				user.renamed = own;
				user.lastName = name;
			}
			else if (dice < 97) {
				this.orders.place(customer, product, 1);
			}
			else {
				this.catalog.updatePrice(product, 100 + random.nextInt(1000));
			}
			return dice < 90;
		}

	}

	/**
	 * One load thread as a user: the customers only it renames, and the read it owes after
	 * a rename.
	 */
	private static final class User {

		private final int index;

		private final int users;

		private final ReadYourWrites pairs;

		private Long renamed;

		private String lastName;

		User(int index, int users, ReadYourWrites pairs) {
			this.index = index;
			this.users = users;
			this.pairs = pairs;
		}

		long ownCustomer(ThreadLocalRandom random) {
			int owned = (CUSTOMERS - 1 - this.index) / this.users + 1;
			return 1 + this.index + (long) this.users * random.nextInt(Math.max(1, owned));
		}

	}

	/**
	 * Read-your-writes pairs of a run: a rename and the read of the same profile right after
	 * it, in the same thread (its consistency scope).
	 */
	static final class ReadYourWrites {

		private final LongAdder pairs = new LongAdder();

		private final LongAdder stale = new LongAdder();

		void record(boolean wasStale) {
			this.pairs.increment();
			if (wasStale) {
				this.stale.increment();
			}
		}

	}

	/**
	 * One thread's latencies, unsynchronized.
	 */
	static final class Recorder {

		private long[] reads = new long[1 << 16];

		private int readCount;

		private long[] writes = new long[1 << 13];

		private int writeCount;

		void add(boolean read, long nanos) {
			if (read) {
				if (this.readCount == this.reads.length) {
					this.reads = Arrays.copyOf(this.reads, this.reads.length * 2);
				}
				this.reads[this.readCount++] = nanos;
			}
			else {
				if (this.writeCount == this.writes.length) {
					this.writes = Arrays.copyOf(this.writes, this.writes.length * 2);
				}
				this.writes[this.writeCount++] = nanos;
			}
		}

	}

	/**
	 * Latencies of one run, sorted.
	 * @param reads read latencies in nanoseconds
	 * @param writes write latencies in nanoseconds
	 * @param all every latency
	 * @param duration measured time
	 */
	public record Recorded(long[] reads, long[] writes, long[] all, Duration duration) {

		static Recorded merge(List<Recorder> recorders, Duration duration) {
			long[] reads = recorders.stream().flatMapToLong((r) -> Arrays.stream(r.reads, 0, r.readCount)).sorted().toArray();
			long[] writes = recorders.stream()
				.flatMapToLong((r) -> Arrays.stream(r.writes, 0, r.writeCount))
				.sorted()
				.toArray();
			long[] all = new long[reads.length + writes.length];
			System.arraycopy(reads, 0, all, 0, reads.length);
			System.arraycopy(writes, 0, all, reads.length, writes.length);
			Arrays.sort(all);
			return new Recorded(reads, writes, all, duration);
		}

		/**
		 * Return operations per second.
		 * @return the throughput
		 */
		public double throughput() {
			return this.all.length / (this.duration.toNanos() / 1e9);
		}

		/**
		 * Return a percentile of a sorted array, in microseconds.
		 * @param sorted the latencies
		 * @param percentile for example 99
		 * @return the latency
		 */
		public static double percentileMicros(long[] sorted, double percentile) {
			if (sorted.length == 0) {
				return Double.NaN;
			}
			int index = (int) Math.ceil(percentile / 100 * sorted.length) - 1;
			return sorted[Math.max(0, Math.min(index, sorted.length - 1))] / 1000.0;
		}

	}

	/**
	 * Read-only transactions replica-router bound to each node, and why; empty when it is
	 * off.
	 * @param readsByNode read-only transactions per node
	 * @param readsByReason read-only transactions on the primary per reason
	 * @param writes read-write transactions
	 */
	public record RoutingCounts(Map<String, Long> readsByNode, Map<RoutingReason, Long> readsByReason, long writes) {

		private static final List<RoutingReason> READ_REASONS = List.of(RoutingReason.READ_ONLY,
				RoutingReason.FALLBACK, RoutingReason.CONSISTENCY, RoutingReason.PRIMARY_READ,
				RoutingReason.PRIMARY_SHARE);

		static RoutingCounts of(DataSource dataSource) {
			if (!(dataSource instanceof ReplicaRoutingDataSource router)) {
				return new RoutingCounts(Map.of(), Map.of(), 0);
			}
			RoutingStatistics statistics = router.getStatistics();
			Map<String, Long> byNode = new LinkedHashMap<>();
			Map<RoutingReason, Long> byReason = new LinkedHashMap<>();
			long writes = 0;
			for (DataSourceNode node : router.getNodes().all()) {
				long reads = 0;
				for (RoutingReason reason : READ_REASONS) {
					long count = statistics.count(node, reason);
					reads += count;
					if (node == router.getPrimary()) {
						byReason.merge(reason, count, Long::sum);
					}
				}
				byNode.put(node.name(), reads);
				writes += statistics.count(node, RoutingReason.READ_WRITE);
			}
			return new RoutingCounts(byNode, byReason, writes);
		}

		RoutingCounts minus(RoutingCounts before) {
			Map<String, Long> byNode = new LinkedHashMap<>();
			this.readsByNode.forEach((node, count) -> byNode.put(node, count - before.readsByNode.getOrDefault(node, 0L)));
			Map<RoutingReason, Long> byReason = new LinkedHashMap<>();
			this.readsByReason
				.forEach((reason, count) -> byReason.put(reason, count - before.readsByReason.getOrDefault(reason, 0L)));
			return new RoutingCounts(byNode, byReason, this.writes - before.writes);
		}

		/**
		 * Return the read-only transactions counted on all nodes.
		 * @return the total
		 */
		public long reads() {
			return this.readsByNode.values().stream().mapToLong(Long::longValue).sum();
		}

	}

	/**
	 * One run's outcome.
	 * @param name which configuration
	 * @param threads load threads
	 * @param duration measured time
	 * @param recorded latencies
	 * @param routed what replica-router routed where
	 * @param serverTransactions transactions per server ({@code pg_stat_database})
	 * @param readYourWritesPairs renames read back right after, in the same thread
	 * @param staleReads of those, reads that did not see the rename
	 */
	public record Result(String name, int threads, Duration duration, Recorded recorded, RoutingCounts routed,
			Map<String, Long> serverTransactions, long readYourWritesPairs, long staleReads) {

		/**
		 * Return the share of read-only transactions the primary served, in percent, or
		 * 100 when replica-router is off.
		 * @return the share
		 */
		public double primaryReadShare() {
			long reads = this.routed.reads();
			if (reads == 0) {
				return 100;
			}
			long onPrimary = this.routed.readsByNode().getOrDefault("primary", 0L);
			return 100.0 * onPrimary / reads;
		}

	}

}
