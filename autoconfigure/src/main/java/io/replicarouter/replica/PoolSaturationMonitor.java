package io.replicarouter.replica;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Watches every node's Hikari pool for saturation, from the pools' MXBeans only (never a
 * connection or a query).
 * <p>
 * A pool becomes saturated as soon as threads wait for a connection while it holds all
 * the connections it may open, or once its usage (active / maximum) has stayed at or over
 * the threshold for the saturation period. It is clear again only after neither has been
 * true for the whole period, so a pool near its limit does not flap between states.
 * <p>
 * Threads waiting while the pool is below its maximum size are not saturation: the pool is
 * opening connections for them (after a restart, or when a node rejoins), or its database
 * does not answer, which the node's health reports. Counting them would keep the status
 * degraded for a whole period after every refill, with no demand beyond the pool's size.
 */
public class PoolSaturationMonitor implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PoolSaturationMonitor.class);

	private final DatabaseNodes nodes;

	private final double threshold;

	private final long periodMillis;

	private final Clock clock;

	private final Duration sampleInterval;

	private final Map<String, Tracker> trackers = new ConcurrentHashMap<>();

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * Create a monitor.
	 * @param nodes the nodes whose pools to watch
	 * @param threshold the usage, from 0 to 1, that counts as busy
	 * @param period how long usage must stay busy to saturate, and calm to clear
	 * @param sampleInterval how often to sample the pools
	 */
	public PoolSaturationMonitor(DatabaseNodes nodes, double threshold, Duration period, Duration sampleInterval) {
		this(nodes, threshold, period, sampleInterval, Clock.systemUTC());
	}

	/**
	 * Create a monitor that reads the time from the given clock.
	 * @param nodes the nodes whose pools to watch
	 * @param threshold the usage, from 0 to 1, that counts as busy
	 * @param period how long usage must stay busy to saturate, and calm to clear
	 * @param sampleInterval how often to sample the pools
	 * @param clock the clock
	 */
	public PoolSaturationMonitor(DatabaseNodes nodes, double threshold, Duration period, Duration sampleInterval,
			Clock clock) {
		this.nodes = nodes;
		this.threshold = threshold;
		this.periodMillis = period.toMillis();
		this.clock = clock;
		this.sampleInterval = sampleInterval;
		for (DataSourceNode node : nodes.all()) {
			this.trackers.put(node.name(), new Tracker());
		}
		nodes.addMembershipListener(new DatabaseNodes.MembershipListener() {

			@Override
			public void nodeAdded(DataSourceNode replica) {
				PoolSaturationMonitor.this.trackers.put(replica.name(), new Tracker());
			}

			@Override
			public void nodeRemoved(DataSourceNode replica) {
				PoolSaturationMonitor.this.trackers.remove(replica.name());
			}

		});
	}

	/**
	 * Return each pool's usage now and whether it is saturated. The sample taken here
	 * counts like the periodic ones: threads waiting now saturate the pool at once, and it
	 * clears only after the whole period without, so callers never see it flap.
	 * @return the pools, the primary's first
	 */
	public List<PoolUsage> usage() {
		List<PoolUsage> usage = new ArrayList<>();
		long now = this.clock.millis();
		for (DataSourceNode node : this.nodes.all()) {
			Sample sample = sample(node);
			Tracker tracker = this.trackers.computeIfAbsent(node.name(), (name) -> new Tracker());
			if (sample != null) {
				update(node.name(), tracker, sample, now);
			}
			boolean saturated;
			Instant since;
			synchronized (tracker) {
				saturated = tracker.saturated;
				since = tracker.saturatedSince;
			}
			usage.add((sample != null)
					? new PoolUsage(node.name(), sample.active, sample.idle, sample.total, sample.max, sample.waiting,
							sample.usage(), saturated, since)
					: new PoolUsage(node.name(), 0, 0, 0, maximum(node), 0, 0, false, null));
		}
		return usage;
	}

	/**
	 * Sample every pool once and update its saturation.
	 */
	public void sampleAll() {
		long now = this.clock.millis();
		for (DataSourceNode node : this.nodes.all()) {
			Sample sample = sample(node);
			if (sample != null) {
				update(node.name(), this.trackers.computeIfAbsent(node.name(), (name) -> new Tracker()), sample, now);
			}
		}
	}

	private void update(String name, Tracker tracker, Sample sample, long now) {
		boolean busy = sample.isExhausted() || sample.usage() >= this.threshold;
		synchronized (tracker) {
			if (busy) {
				tracker.calmSince = -1;
				if (tracker.busySince < 0) {
					tracker.busySince = now;
				}
				if (!tracker.saturated && (sample.isExhausted() || now - tracker.busySince >= this.periodMillis)) {
					tracker.saturated = true;
					tracker.saturatedSince = Instant.ofEpochMilli(now);
					logger.warn("Pool " + name + " is saturated: " + sample.active + " of " + sample.max
							+ " connections in use, " + sample.waiting + " threads waiting");
				}
			}
			else {
				tracker.busySince = -1;
				if (tracker.calmSince < 0) {
					tracker.calmSince = now;
				}
				if (tracker.saturated && now - tracker.calmSince >= this.periodMillis) {
					tracker.saturated = false;
					tracker.saturatedSince = null;
					logger.info("Pool " + name + " is no longer saturated");
				}
			}
		}
	}

	private static @Nullable Sample sample(DataSourceNode node) {
		if (!(node.dataSource() instanceof HikariDataSource hikari)) {
			return null;
		}
		HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
		if (pool == null) {
			return null;
		}
		return new Sample(pool.getActiveConnections(), pool.getIdleConnections(), pool.getTotalConnections(),
				hikari.getMaximumPoolSize(), pool.getThreadsAwaitingConnection());
	}

	private static int maximum(DataSourceNode node) {
		return (node.dataSource() instanceof HikariDataSource hikari) ? hikari.getMaximumPoolSize() : 0;
	}

	@Override
	public void start() {
		if (this.scheduler != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "replica-router-pools");
			thread.setDaemon(true);
			return thread;
		});
		long interval = this.sampleInterval.toMillis();
		executor.scheduleWithFixedDelay(this::sampleAll, 0, interval, TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * One pool's usage.
	 *
	 * @param pool the pool's name
	 * @param active connections in use
	 * @param idle connections idle
	 * @param total connections open
	 * @param max the pool's maximum size
	 * @param waiting threads waiting for a connection
	 * @param usage active / max
	 * @param saturated whether the pool is saturated
	 * @param saturatedSince since when, or {@code null}
	 */
	public record PoolUsage(String pool, int active, int idle, int total, int max, int waiting, double usage,
			boolean saturated, @Nullable Instant saturatedSince) {
	}

	private record Sample(int active, int idle, int total, int max, int waiting) {

		double usage() {
			return (this.max > 0) ? (double) this.active / this.max : 0;
		}

		/**
		 * Threads wait and the pool may not open another connection for them.
		 */
		boolean isExhausted() {
			return this.waiting > 0 && this.total >= this.max;
		}

	}

	private static final class Tracker {

		private long busySince = -1;

		private long calmSince = -1;

		private boolean saturated;

		private @Nullable Instant saturatedSince;

	}

}
