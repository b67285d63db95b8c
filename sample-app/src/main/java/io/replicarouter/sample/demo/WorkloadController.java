package io.replicarouter.sample.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.replicarouter.consistency.ConsistencyScope;
import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.routing.RoutingReason;
import io.replicarouter.sample.catalog.CatalogService;
import io.replicarouter.sample.orders.OrderService;
import io.replicarouter.sample.profiles.ProfileService;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /demo/workload?seconds=10&threads=4}: a mixed load through the service layer
 * (90% reads, 10% writes, with rename-then-read pairs), answered with where reads and writes
 * went and whether any read missed its own write.
 */
@RestController
public class WorkloadController {

	private final CatalogService catalog;

	private final OrderService orders;

	private final ProfileService profiles;

	private final ReplicaRoutingDataSource router;

	public WorkloadController(CatalogService catalog, OrderService orders, ProfileService profiles,
			ReplicaRoutingDataSource router) {
		this.catalog = catalog;
		this.orders = orders;
		this.profiles = profiles;
		this.router = router;
	}

	@PostMapping("/demo/workload")
	public WorkloadReport run(@RequestParam(defaultValue = "10") int seconds,
			@RequestParam(defaultValue = "4") int threads) throws InterruptedException {
		int duration = Math.min(Math.max(seconds, 1), 120);
		int workers = Math.min(Math.max(threads, 1), 32);
		Map<String, Map<String, Long>> before = routed();
		long fallbacksBefore = fallbacks();
		AtomicLong operations = new AtomicLong();
		AtomicLong failures = new AtomicLong();
		AtomicLong pairs = new AtomicLong();
		AtomicLong stale = new AtomicLong();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
		ExecutorService pool = Executors.newFixedThreadPool(workers);
		for (int t = 0; t < workers; t++) {
			int worker = t;
			pool.submit(() -> {
				// Each worker is one client: its own read-your-writes scope.
				try (ConsistencyScope.Opened scope = ConsistencyScope.open(ConsistencyToken.EMPTY, null)) {
					while (System.nanoTime() < deadline) {
						try {
							step(worker, workers, pairs, stale);
							operations.incrementAndGet();
						}
						catch (RuntimeException ex) {
							failures.incrementAndGet();
						}
					}
				}
			});
		}
		pool.shutdown();
		pool.awaitTermination(duration + 30L, TimeUnit.SECONDS);
		return new WorkloadReport(duration, workers, operations.get(), failures.get(),
				Math.round(operations.get() * 10.0 / duration) / 10.0, difference(before, routed()),
				fallbacks() - fallbacksBefore, pairs.get(), stale.get());
	}

	private void step(int worker, int workers, AtomicLong pairs, AtomicLong stale) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		int dice = random.nextInt(100);
		if (dice < 5) {
			this.orders.place(1 + random.nextInt(20), 1 + random.nextInt(100), 1);
		}
		else if (dice < 10) {
			// Each worker renames only its own profiles, so what it reads back can only be its write.
			long id = 1 + worker + workers * (long) random.nextInt(Math.max(1, 20 / workers));
			String name = "Customer " + id + " #" + random.nextInt(1_000_000);
			if (!this.profiles.rename(id, name)) {
				return;
			}
			pairs.incrementAndGet();
			if (!this.profiles.find(id).map((profile) -> profile.displayName().equals(name)).orElse(false)) {
				stale.incrementAndGet();
			}
		}
		else if (dice < 60) {
			this.catalog.find(1 + random.nextInt(100));
		}
		else {
			this.orders.recent(1 + random.nextInt(20), 5);
		}
	}

	private Map<String, Map<String, Long>> routed() {
		Map<String, Map<String, Long>> routed = new LinkedHashMap<>();
		for (DataSourceNode node : this.router.getNodes().all()) {
			Map<String, Long> byReason = new LinkedHashMap<>();
			for (RoutingReason reason : RoutingReason.values()) {
				byReason.put(reason.name().toLowerCase().replace('_', '-'),
						this.router.getStatistics().count(node, reason));
			}
			routed.put(node.name(), byReason);
		}
		return routed;
	}

	private long fallbacks() {
		return this.router.getStatistics().count(this.router.getPrimary(), RoutingReason.FALLBACK);
	}

	private static Map<String, Map<String, Long>> difference(Map<String, Map<String, Long>> before,
			Map<String, Map<String, Long>> after) {
		Map<String, Map<String, Long>> difference = new LinkedHashMap<>();
		after.forEach((node, counts) -> {
			Map<String, Long> byReason = new LinkedHashMap<>();
			counts.forEach((reason, count) -> {
				long delta = count - before.get(node).get(reason);
				if (delta > 0) {
					byReason.put(reason, delta);
				}
			});
			difference.put(node, byReason);
		});
		return difference;
	}

}
