package io.replicarouter.replica;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.replicarouter.routing.ConnectionFailures;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.PrimaryOutage;
import io.replicarouter.routing.ReplicaCandidate;
import io.replicarouter.routing.RoutingTopology;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Probes every node in the background and decides which replicas are in rotation.
 * <p>
 * Each node is probed every {@code probeInterval} over a dedicated connection (see
 * {@link NodeProbe}) for its role ({@code pg_is_in_recovery()}), its WAL positions and its
 * identity. Replica lag is computed from those positions: in bytes against the primary's
 * latest position, in time from {@link WalPositionHistory}. An unreachable replica is probed
 * again with exponential backoff up to {@code maxBackoff}; an unreachable primary at the
 * usual interval, since writes wait for it. The routing decision reads only
 * the snapshot this monitor publishes after each probe: no query runs on the transaction
 * path.
 * <p>
 * A node that served leaves its state for {@link NodeState#DOWN} only after the failure
 * threshold of failed probes (or failures in use) in a row, or at once when a failure shows
 * its server gone; see {@link NodeHealthTransitions}. Only then are its connections in use
 * handed to the {@linkplain #onNodeStoppedAnswering stopped-answering listeners}.
 * <p>
 * The first round of probes runs when the monitor starts ({@link #start()}, after every
 * bean was created); until its first successful probe a replica is not in rotation, so
 * reads made while the context refreshes take the fallback. An unreachable node does not
 * stop the application from starting.
 */
public class ReplicaHealthMonitor implements RoutingTopology, SmartLifecycle {

	private static final Log logger = LogFactory.getLog(ReplicaHealthMonitor.class);

	private final DatabaseNodes nodes;

	private final MonitorSettings settings;

	private final NodeHealthTransitions transitions;

	private final Clock clock;

	private final Map<String, NodeProbe> probes = new ConcurrentHashMap<>();

	private final Map<String, Long> failureReportedAt = new ConcurrentHashMap<>();

	private final Object publishLock = new Object();

	private final Map<String, NodeHealth> health = new LinkedHashMap<>();

	private final java.util.Set<String> drained = ConcurrentHashMap.newKeySet();

	private volatile Snapshot snapshot;

	/**
	 * The primary's current outage, {@code null} while it is not down.
	 */
	private volatile @Nullable PrimaryOutage primaryOutage;

	private volatile @Nullable ScheduledExecutorService scheduler;

	private final List<Consumer<DataSourceNode>> stoppedAnsweringListeners = new CopyOnWriteArrayList<>();

	/**
	 * Create a monitor.
	 * @param nodes the nodes to probe
	 * @param settings how often and how long to probe, and the lag thresholds
	 */
	public ReplicaHealthMonitor(DatabaseNodes nodes, MonitorSettings settings) {
		this(nodes, settings, Clock.systemUTC());
	}

	/**
	 * Create a monitor that reads the time from the given clock.
	 * @param nodes the nodes to probe
	 * @param settings how often and how long to probe, and the lag thresholds
	 * @param clock the clock
	 */
	public ReplicaHealthMonitor(DatabaseNodes nodes, MonitorSettings settings, Clock clock) {
		this.nodes = nodes;
		this.settings = settings;
		this.clock = clock;
		this.transitions = new NodeHealthTransitions(settings.thresholds(), settings.failureThreshold(),
				settings.minInRotation(), clock);
		for (DataSourceNode node : nodes.all()) {
			this.probes.put(node.name(), new NodeProbe(node, settings.probeTimeout()));
			this.health.put(node.name(), NodeHealth.unknown(node));
		}
		this.snapshot = buildSnapshot();
		nodes.addMembershipListener(new Membership());
	}

	/**
	 * Return what is known of the primary.
	 * @return the primary's health
	 */
	public NodeHealth primaryHealth() {
		return this.snapshot.primary();
	}

	/**
	 * Return what is known of each replica, in configuration order.
	 * @return the replicas' health
	 */
	public List<NodeHealth> replicaHealth() {
		return this.snapshot.replicas();
	}

	/**
	 * Give a replica lag limits of its own (those of its group) instead of the settings'.
	 * @param replica the replica's name
	 * @param thresholds its limits
	 */
	public void setThresholds(String replica, HealthThresholds thresholds) {
		this.transitions.thresholds(replica, thresholds);
	}

	/**
	 * Return the settings this monitor runs with.
	 * @return the settings
	 */
	public MonitorSettings settings() {
		return this.settings;
	}

	@Override
	public List<ReplicaCandidate> eligibleReplicas() {
		return this.snapshot.eligible();
	}

	/**
	 * Return the replicas within a read's own staleness bound: in rotation, or out of it
	 * only because they lag more than {@code replica-router.max-lag} (not down, drained,
	 * misconfigured or without any replayed WAL), with a lag at the last probe within the
	 * bound.
	 * @param maxLag the bound
	 * @return the replicas, in configuration order
	 */
	@Override
	public List<ReplicaCandidate> replicasWithinLag(Duration maxLag) {
		List<ReplicaCandidate> within = new ArrayList<>();
		for (NodeHealth replica : this.snapshot.replicas()) {
			boolean serving = replica.state() == NodeState.UP
					|| (replica.state() == NodeState.LAGGING && replica.replayPosition().isKnown());
			if (serving && replica.lag().compareTo(maxLag) <= 0) {
				within.add(replica);
			}
		}
		return within;
	}

	@Override
	public @Nullable String primaryUnavailableReason() {
		NodeHealth primary = this.snapshot.primary();
		if (primary.state() == NodeState.DEMOTED) {
			return primary.node().name() + " (" + primary.node().maskedUrl() + ") is in recovery, a read-only standby;"
					+ " it may have been demoted by a failover. Point spring.datasource.url at the new primary, or list"
					+ " every candidate host with targetServerType=primary in the URL.";
		}
		return null;
	}

	@Override
	public @Nullable PrimaryOutage primaryOutage() {
		return this.primaryOutage;
	}

	@Override
	public String describeIneligibleReplicas() {
		return this.snapshot.replicas()
			.stream()
			.filter((replica) -> !replica.isEligible())
			.map(NodeHealth::toString)
			.collect(Collectors.joining("; "));
	}

	@Override
	public void reportFailure(DataSourceNode node, Throwable failure) {
		if (ConnectionFailures.isClosedLocally(failure)) {
			// No news of the node: the connection was closed on this side (aborted when the
			// node went down, evicted), possibly long ago. Counting it could take a node that
			// recovered since out of rotation again.
			return;
		}
		long reportedAt = System.nanoTime();
		NodeHealth next;
		boolean wentDown;
		synchronized (this.publishLock) {
			NodeHealth previous = this.health.get(node.name());
			if (previous == null) {
				return;
			}
			next = this.transitions.failedInUse(previous, failure);
			publish(next, previous);
			wentDown = next.state() == NodeState.DOWN && previous.state() != NodeState.DOWN;
		}
		if (next.state() == NodeState.DOWN) {
			// Only a node that is down loses its pooled connections: re-establishing a whole
			// pool on a node that was merely slow once would add to its load.
			this.failureReportedAt.put(node.name(), reportedAt);
			evictIdleConnections(node);
		}
		if (wentDown) {
			// Its other connections in use wait on the same node: abort them now rather than at
			// its next probe, which backs off. Not on the reporting thread, which is the
			// application's, in the middle of its own connection's failure.
			ScheduledExecutorService executor = this.scheduler;
			Runnable notify = () -> this.stoppedAnsweringListeners.forEach((listener) -> listener.accept(node));
			if (executor != null && !executor.isShutdown()) {
				try {
					executor.execute(notify);
					return;
				}
				catch (java.util.concurrent.RejectedExecutionException ex) {
					// Stopping: nothing left to abort for.
					return;
				}
			}
			notify.run();
		}
	}

	/**
	 * Take a replica out of rotation, for maintenance, until {@link #undrain(String)}. It is
	 * still probed, so its health stays visible.
	 * @param name the replica's name
	 * @return whether a replica of that name exists
	 */
	public boolean drain(String name) {
		return setDrained(name, true);
	}

	/**
	 * Put a drained replica back in rotation, if it is healthy.
	 * @param name the replica's name
	 * @return whether a replica of that name exists
	 */
	public boolean undrain(String name) {
		return setDrained(name, false);
	}

	private boolean setDrained(String name, boolean drain) {
		if (this.nodes.replicas().stream().noneMatch((replica) -> replica.name().equals(name))) {
			return false;
		}
		synchronized (this.publishLock) {
			boolean changed = drain ? this.drained.add(name) : this.drained.remove(name);
			if (changed) {
				this.snapshot = buildSnapshot();
				logger.info(name + (drain ? " drained: out of rotation until undrained" : " undrained"));
			}
		}
		return true;
	}

	/**
	 * Return what is known of a node.
	 * @param name the node's name
	 * @return its health, or {@code null} if there is no such node
	 */
	public @Nullable NodeHealth health(String name) {
		return this.snapshot.byName().get(name);
	}

	/**
	 * Probe every node once, now, on the calling thread (the primary first, then the
	 * replicas in parallel), and wait for the results.
	 */
	public void probeAll() {
		probe(this.probes.get(this.nodes.primary().name()));
		CompletableFuture<?>[] replicas = this.nodes.replicas()
			.stream()
			.map((replica) -> CompletableFuture.runAsync(() -> probe(this.probes.get(replica.name()))))
			.toArray(CompletableFuture[]::new);
		CompletableFuture.allOf(replicas).join();
	}

	private void probe(@Nullable NodeProbe probe) {
		if (probe == null) {
			// the replica left the node set meanwhile
			return;
		}
		DataSourceNode node = probe.node();
		long started = System.nanoTime();
		try {
			ProbeResult result;
			synchronized (probe) {
				result = probe.probe();
			}
			Long reported = this.failureReportedAt.get(node.name());
			if (reported != null && reported - started > 0) {
				// The node failed in use while this probe was on its way: trust the failure.
				return;
			}
			onSuccess(node, result);
		}
		catch (SQLException | RuntimeException ex) {
			onFailure(node, ex);
		}
	}

	private void onSuccess(DataSourceNode node, ProbeResult result) {
		synchronized (this.publishLock) {
			NodeHealth previous = this.health.get(node.name());
			if (previous == null || previous.node() != node) {
				return;
			}
			NodeHealth next;
			if (node == this.nodes.primary()) {
				NodeHealthTransitions.Transition transition = this.transitions.primaryProbed(node, result);
				next = transition.next();
				if (transition.evictPool()) {
					if (next.state() == NodeState.UP) {
						logger.warn(node.name() + " is now answered by another server or a restarted one; evicting"
								+ " its pooled connections");
					}
					evictIdleConnections(node);
				}
			}
			else {
				next = this.transitions.replicaProbed(node, result, previous, poolHasReconnected(node.dataSource()));
			}
			publish(next, previous);
		}
	}

	private void onFailure(DataSourceNode node, Throwable failure) {
		NodeHealth next;
		synchronized (this.publishLock) {
			NodeHealth previous = this.health.get(node.name());
			if (previous == null || previous.node() != node) {
				return;
			}
			int othersInRotation = (int) this.nodes.replicas()
				.stream()
				.filter((replica) -> replica != node && !this.drained.contains(replica.name()))
				.map((replica) -> this.health.get(replica.name()))
				.filter((health) -> health != null && health.isEligible())
				.count();
			next = this.transitions.probeFailed(previous, failure, othersInRotation);
			publish(next, previous);
		}
		if (next.state() == NodeState.DOWN) {
			this.stoppedAnsweringListeners.forEach((listener) -> listener.accept(node));
		}
	}

	/**
	 * Call the listener, on a probing thread, whenever a probe of a node fails and the node
	 * is down (it stopped answering, or failed or answered too slowly as many probes in a
	 * row as the failure threshold), and when a failure reported in use takes a node down. A
	 * node that is only suspect (fewer failures in a row) is not handed over.
	 * @param listener receives the node, a replica or the primary
	 */
	public void onNodeStoppedAnswering(Consumer<DataSourceNode> listener) {
		this.stoppedAnsweringListeners.add(listener);
	}

	private void publish(NodeHealth next, NodeHealth previous) {
		this.health.put(next.node().name(), next);
		if (next.node() == this.nodes.primary()) {
			PrimaryOutage outage = this.primaryOutage;
			if (next.state() != NodeState.DOWN) {
				this.primaryOutage = null;
			}
			else if (outage == null || previous.state() != NodeState.DOWN) {
				Instant since = (next.lastProbe() != null) ? next.lastProbe() : this.clock.instant();
				this.primaryOutage = new PrimaryOutage(since, next.detail());
			}
			else {
				this.primaryOutage = new PrimaryOutage(outage.since(), next.detail());
			}
		}
		this.snapshot = buildSnapshot();
		if (next.state() != previous.state()) {
			String message = next.node().name() + ": " + previous.state().name().toLowerCase() + " -> "
					+ next.state().name().toLowerCase() + " (" + next.detail() + ")";
			if (next.state() == NodeState.UP || previous.state() == NodeState.UNKNOWN && next.isEligible()) {
				logger.info(message);
			}
			else {
				logger.warn(message);
			}
		}
	}

	private Snapshot buildSnapshot() {
		NodeHealth primary = this.health.get(this.nodes.primary().name());
		List<NodeHealth> replicas = new ArrayList<>();
		List<ReplicaCandidate> eligible = new ArrayList<>();
		Map<String, NodeHealth> byName = new LinkedHashMap<>(this.health);
		for (DataSourceNode node : this.nodes.replicas()) {
			NodeHealth replica = this.health.get(node.name());
			if (replica == null) {
				// joining: its listener has not run yet
				replica = NodeHealth.unknown(node);
			}
			if (this.drained.contains(node.name())) {
				replica = replica.drained();
				byName.put(node.name(), replica);
			}
			replicas.add(replica);
			if (replica.isEligible()) {
				eligible.add(replica);
			}
		}
		return new Snapshot(primary, List.copyOf(replicas), List.copyOf(eligible), Map.copyOf(byName));
	}

	long nextDelayMillis(DataSourceNode node) {
		NodeHealth current = this.snapshot.byName().get(node.name());
		long interval = this.settings.probeInterval().toMillis();
		int failures = (current != null) ? current.consecutiveFailures() : 0;
		if (failures == 0 || current.state() != NodeState.DOWN) {
			// A suspect node is probed again at once: the next failures decide soon whether it
			// is down (a probe that failed already took up to the probe timeout). One kept in
			// rotation despite slow probes is probed at the usual pace.
			return (failures > 0 && failures < this.settings.failureThreshold()) ? 0 : interval;
		}
		if (node.role() == NodeRole.PRIMARY) {
			// Writes wait on the primary's state: a primary that is down is probed at the
			// usual pace, so that writes work again one interval after it is back.
			return interval;
		}
		long backoff = interval << Math.min(failures - 1, 20);
		return Math.min(backoff, this.settings.maxBackoff().toMillis());
	}

	/**
	 * Return whether a pool can serve a node that is reachable again. After failed attempts
	 * to connect, Hikari retries with a backoff of up to 5 seconds: a pool may stay empty for
	 * that long after its server came back. A pool that keeps no idle connections connects
	 * on demand, so it can always serve.
	 * @param dataSource the node's pool
	 * @return whether it holds a connection, or needs none to serve
	 */
	static boolean poolHasReconnected(javax.sql.DataSource dataSource) {
		if (dataSource instanceof HikariDataSource hikari) {
			HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
			return pool == null || pool.getTotalConnections() > 0 || hikari.getMinimumIdle() == 0;
		}
		return true;
	}

	private static void evictIdleConnections(DataSourceNode node) {
		if (node.dataSource() instanceof HikariDataSource hikari) {
			HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
			if (pool != null) {
				pool.softEvictConnections();
			}
		}
	}

	@Override
	public void start() {
		if (this.scheduler != null) {
			return;
		}
		AtomicInteger threads = new AtomicInteger();
		ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(this.probes.size(), (runnable) -> {
			Thread thread = new Thread(runnable, "replica-router-probe-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		executor.setRemoveOnCancelPolicy(true);
		this.scheduler = executor;
		probeAll();
		for (NodeProbe probe : this.probes.values()) {
			schedule(probe, this.settings.probeInterval().toMillis());
		}
		logger.info("Monitoring " + this.nodes.all().size() + " nodes every " + this.settings.probeInterval().toMillis()
				+ " ms: " + this.snapshot.all());
	}

	private void schedule(NodeProbe probe, long delayMillis) {
		ScheduledExecutorService executor = this.scheduler;
		if (executor == null || executor.isShutdown()) {
			return;
		}
		executor.schedule(() -> {
			if (this.probes.get(probe.node().name()) != probe) {
				// the replica left the node set: its probes end
				return;
			}
			try {
				probe(probe);
			}
			finally {
				schedule(probe, nextDelayMillis(probe.node()));
			}
		}, delayMillis, TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(this.settings.probeTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		for (NodeProbe probe : this.probes.values()) {
			synchronized (probe) {
				probe.close();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * Probes replicas that join from their first moment (they are out of rotation until a
	 * probe finds them healthy), and forgets those that leave.
	 */
	private final class Membership implements DatabaseNodes.MembershipListener {

		@Override
		public void nodeAdded(DataSourceNode replica) {
			NodeProbe probe = new NodeProbe(replica, ReplicaHealthMonitor.this.settings.probeTimeout());
			synchronized (ReplicaHealthMonitor.this.publishLock) {
				ReplicaHealthMonitor.this.health.put(replica.name(), NodeHealth.unknown(replica));
				ReplicaHealthMonitor.this.probes.put(replica.name(), probe);
				ReplicaHealthMonitor.this.snapshot = buildSnapshot();
			}
			if (ReplicaHealthMonitor.this.scheduler instanceof ScheduledThreadPoolExecutor executor) {
				executor.setCorePoolSize(Math.max(executor.getCorePoolSize(), ReplicaHealthMonitor.this.probes.size()));
			}
			schedule(probe, 0);
			logger.info(replica.name() + " (" + replica.maskedUrl() + ") joined: out of rotation until a probe finds it"
					+ " healthy");
		}

		@Override
		public void nodeRemoved(DataSourceNode replica) {
			NodeProbe probe;
			synchronized (ReplicaHealthMonitor.this.publishLock) {
				probe = ReplicaHealthMonitor.this.probes.remove(replica.name());
				ReplicaHealthMonitor.this.health.remove(replica.name());
				ReplicaHealthMonitor.this.drained.remove(replica.name());
				ReplicaHealthMonitor.this.failureReportedAt.remove(replica.name());
				ReplicaHealthMonitor.this.snapshot = buildSnapshot();
			}
			if (probe != null) {
				synchronized (probe) {
					probe.close();
				}
			}
			logger.info(replica.name() + " left the replicas");
		}

	}

	@Override
	public int getPhase() {
		// Start early and stop late: before web servers take traffic, after they stopped.
		return Integer.MIN_VALUE + 1000;
	}

	/**
	 * How the monitor probes.
	 *
	 * @param probeInterval the time between two probes of a healthy node
	 * @param probeTimeout how long a probe may take before the node counts as down
	 * @param maxBackoff the longest time between two probes of a node that is down
	 * @param thresholds the lag limits
	 * @param failureThreshold failed probes (or failures in use) in a row after which a node
	 * that served is down, unless its server is certainly gone sooner
	 * @param minInRotation how many replicas the monitor keeps in rotation despite slow
	 * probes alone
	 */
	public record MonitorSettings(Duration probeInterval, Duration probeTimeout, Duration maxBackoff,
			HealthThresholds thresholds, int failureThreshold, int minInRotation) {

		/**
		 * Create settings.
		 * @param probeInterval positive
		 * @param probeTimeout positive
		 * @param maxBackoff at least {@code probeInterval}
		 * @param thresholds the lag limits
		 * @param failureThreshold at least 1
		 * @param minInRotation at least 0
		 */
		public MonitorSettings {
			Assert.isTrue(probeInterval.toMillis() > 0, "'probeInterval' must be positive");
			Assert.isTrue(probeTimeout.toMillis() > 0, "'probeTimeout' must be positive");
			Assert.isTrue(maxBackoff.compareTo(probeInterval) >= 0, "'maxBackoff' must be at least 'probeInterval'");
			Assert.isTrue(failureThreshold >= 1, "'failureThreshold' must be at least 1");
			Assert.isTrue(minInRotation >= 0, "'minInRotation' must not be negative");
		}

		/**
		 * Create settings with the default damping: down after 3 failures in a row, and
		 * never the last replica in rotation for slow probes alone.
		 * @param probeInterval positive
		 * @param probeTimeout positive
		 * @param maxBackoff at least {@code probeInterval}
		 * @param thresholds the lag limits
		 */
		public MonitorSettings(Duration probeInterval, Duration probeTimeout, Duration maxBackoff,
				HealthThresholds thresholds) {
			this(probeInterval, probeTimeout, maxBackoff, thresholds, 3, 1);
		}

	}

	private record Snapshot(NodeHealth primary, List<NodeHealth> replicas, List<ReplicaCandidate> eligible,
			Map<String, NodeHealth> byName) {

		List<NodeHealth> all() {
			List<NodeHealth> all = new ArrayList<>();
			all.add(this.primary);
			all.addAll(this.replicas);
			return all;
		}

	}

}
