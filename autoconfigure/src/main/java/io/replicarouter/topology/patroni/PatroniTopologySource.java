package io.replicarouter.topology.patroni;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import io.replicarouter.jdbc.JdbcUrls;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.topology.LeaderDataSource;
import io.replicarouter.topology.TopologySource;
import io.replicarouter.topology.TopologyStatus;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Follows a Patroni cluster: reads {@code GET /cluster} every poll interval, sends the
 * primary pool's new connections to the leader, and keeps one replica node (with its own
 * pool) per member that runs as a replica and is not tagged {@code noloadbalance}.
 * <p>
 * The router's probes still decide which of those replicas serve reads (lag, reachability):
 * Patroni's own view of the lag is only as fresh as its loop. A member that leaves the
 * cluster, becomes the leader or gets the {@code noloadbalance} tag is retired at once
 * (no new reads), and its pool is closed once the work on it ended, at the latest after
 * the retire timeout. When no Patroni REST API answers, the last known topology stays in
 * use and the status says so.
 */
public final class PatroniTopologySource implements TopologySource, SmartLifecycle, AutoCloseable {

	private static final Log logger = LogFactory.getLog(PatroniTopologySource.class);

	private final PatroniClient client;

	private final MemberPools pools;

	private final String baseUrl;

	private final Duration pollInterval;

	private final Duration retireTimeout;

	private final Clock clock;

	private final Map<String, Member> managed = new LinkedHashMap<>();

	private final List<Retired> retired = new ArrayList<>();

	private final List<Runnable> leaderListeners = new CopyOnWriteArrayList<>();

	private @Nullable DatabaseNodes nodes;

	private @Nullable LeaderDataSource leaderDataSource;

	private volatile State state;

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * Create a source.
	 * @param client the REST API client
	 * @param pools builds a member's pool
	 * @param baseUrl the URL whose database and parameters every member's URL keeps
	 * ({@code spring.datasource.url})
	 * @param pollInterval how often to read the cluster
	 * @param retireTimeout how long the work on a retired member may go on before its
	 * pool is closed
	 * @param clock the clock that dates changes
	 */
	public PatroniTopologySource(PatroniClient client, MemberPools pools, String baseUrl, Duration pollInterval,
			Duration retireTimeout, Clock clock) {
		Assert.isTrue(pollInterval.toMillis() > 0, "'pollInterval' must be positive");
		this.client = client;
		this.pools = pools;
		this.baseUrl = baseUrl;
		this.pollInterval = pollInterval;
		this.retireTimeout = retireTimeout;
		this.clock = clock;
		this.state = new State(clock.instant(), null, "not read yet", null, List.of());
	}

	/**
	 * Take charge of the nodes' replicas and read the cluster once, now, so that the
	 * application starts with the members Patroni knows. When no REST API answers, it
	 * starts with none (reads fall back as configured) and the status says why.
	 * @param nodes the node set, its replicas maintained from now on by this source
	 */
	public synchronized void bind(DatabaseNodes nodes) {
		this.nodes = nodes;
		DataSource primary = nodes.primary().dataSource();
		HikariDataSource pool = unwrapHikari(primary);
		if (pool != null && pool.getDataSource() instanceof LeaderDataSource leader) {
			this.leaderDataSource = leader;
		}
		else {
			logger.warn("The primary is the application's own DataSource: writes follow Patroni's leader only if its "
					+ "URL lists every member with targetServerType=primary. Let replica-router build the primary's pool "
					+ "from spring.datasource.* to have it follow the leader.");
		}
		refresh();
	}

	/**
	 * Call the listener, on the polling thread, after the primary's new connections were
	 * sent to another leader.
	 * @param listener the listener
	 */
	public void onLeaderChange(Runnable listener) {
		this.leaderListeners.add(listener);
	}

	/**
	 * Read the cluster now and apply what changed.
	 */
	public void refresh() {
		List<PatroniMember> members;
		try {
			members = this.client.members();
		}
		catch (IOException ex) {
			State previous = this.state;
			if (previous.problem() == null) {
				logger.warn("Patroni is unreachable; routing goes on with the last known topology: " + ex.getMessage());
			}
			this.state = new State(previous.lastChanged(), previous.lastRefreshed(), ex.getMessage(), previous.leader(),
					previous.members());
			return;
		}
		Runnable notify = null;
		synchronized (this) {
			State previous = this.state;
			if (previous.problem() != null && previous.lastRefreshed() != null) {
				logger.info("Patroni answers again");
			}
			boolean leaderChanged = apply(members);
			boolean changed = leaderChanged || !sameShape(previous.members(), members);
			PatroniMember leader = members.stream().filter(PatroniMember::isLeader).findFirst().orElse(null);
			Instant now = this.clock.instant();
			this.state = new State(changed ? now : previous.lastChanged(), now, null,
					(leader != null) ? leader.name() : null, List.copyOf(members));
			if (changed) {
				logger.info("Patroni cluster: " + members.stream()
					.map((member) -> member.name() + " " + member.role() + "/" + member.state())
					.collect(Collectors.joining(", ")));
			}
			if (leaderChanged) {
				notify = () -> this.leaderListeners.forEach(Runnable::run);
			}
		}
		closeRetired(false);
		if (notify != null) {
			notify.run();
		}
	}

	/**
	 * Apply the members to the nodes.
	 * @return whether the primary's connections now go to another leader
	 */
	private boolean apply(List<PatroniMember> members) {
		DatabaseNodes nodes = this.nodes;
		Assert.state(nodes != null, "Not bound to the nodes");
		boolean leaderChanged = false;
		PatroniMember leader = members.stream().filter(PatroniMember::isLeader).findFirst().orElse(null);
		LeaderDataSource leaderDataSource = this.leaderDataSource;
		if (leader != null && leaderDataSource != null
				&& leaderDataSource.follow(leader.name(), leader.host(), leader.port())) {
			leaderChanged = true;
			logger.info("Writes now go to " + leader.name() + " (" + leaderDataSource.maskedUrl() + "), Patroni's leader");
			evict(nodes.primary().dataSource());
		}
		Map<String, PatroniMember> byName = new LinkedHashMap<>();
		members.forEach((member) -> byName.put(member.name(), member));
		for (Member member : List.copyOf(this.managed.values())) {
			PatroniMember now = byName.get(member.name());
			String why = null;
			if (now == null) {
				why = "it left the cluster";
			}
			else if (now.isLeader()) {
				why = "it is the leader now";
			}
			else if (now.isTagged("noloadbalance")) {
				why = "it is tagged noloadbalance";
			}
			else if (!now.host().equals(member.host()) || now.port() != member.port()) {
				why = "its address changed";
			}
			if (why != null) {
				retire(nodes, member, why);
			}
		}
		for (PatroniMember member : members) {
			if (member.servesReads() && !this.managed.containsKey(member.name())) {
				add(nodes, member);
			}
		}
		return leaderChanged;
	}

	private void add(DatabaseNodes nodes, PatroniMember member) {
		String url = JdbcUrls.withServer(this.baseUrl, member.host(), member.port());
		if (nodes.all().stream().anyMatch((node) -> node.name().equals(member.name()))) {
			logger.warn("Patroni member " + member.name() + " has the name of a node replica-router already has; "
					+ "it serves no reads");
			return;
		}
		DataSource pool = this.pools.create(member.name(), url);
		DataSourceNode node = new DataSourceNode(member.name(), NodeRole.REPLICA, pool, url, 1);
		this.managed.put(member.name(), new Member(member.name(), member.host(), member.port(), node));
		nodes.addReplica(node);
		logger.info("Patroni member " + member.name() + " (" + JdbcUrls.mask(url) + ") joined the replicas");
	}

	private void retire(DatabaseNodes nodes, Member member, String why) {
		this.managed.remove(member.name());
		nodes.removeReplica(member.node());
		this.retired.add(new Retired(member.node(), this.clock.instant().plus(this.retireTimeout)));
		logger.info("Patroni member " + member.name() + " left the replicas: " + why);
	}

	/**
	 * Close the pools of retired members whose work ended, or all of them.
	 */
	private void closeRetired(boolean all) {
		List<Retired> closing = new ArrayList<>();
		synchronized (this) {
			Instant now = this.clock.instant();
			for (Retired candidate : List.copyOf(this.retired)) {
				if (all || now.isAfter(candidate.deadline()) || activeConnections(candidate.node().dataSource()) == 0) {
					this.retired.remove(candidate);
					closing.add(candidate);
				}
			}
		}
		for (Retired candidate : closing) {
			close(candidate.node().dataSource());
		}
	}

	private static boolean sameShape(List<PatroniMember> before, List<PatroniMember> after) {
		return shape(before).equals(shape(after));
	}

	private static Map<String, String> shape(List<PatroniMember> members) {
		Map<String, String> shape = new LinkedHashMap<>();
		members.forEach((member) -> shape.put(member.name(),
				member.role() + "|" + member.host() + ":" + member.port() + "|" + member.servesReads()));
		return shape;
	}

	@Override
	public TopologyStatus status() {
		State state = this.state;
		return new TopologyStatus("patroni", this.client.urls().stream().map(URI::toString).collect(Collectors.joining(", ")),
				state.lastChanged(), state.lastRefreshed(),
				(state.problem() != null) ? "Patroni is unreachable, routing with the topology last read: " + state.problem()
						: null,
				state.leader(), state.members().stream().map(PatroniMember::toDetails).toList());
	}

	@Override
	public void start() {
		if (this.scheduler != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "replica-router-patroni");
			thread.setDaemon(true);
			return thread;
		});
		this.scheduler = executor;
		executor.scheduleWithFixedDelay(this::poll, this.pollInterval.toMillis(), this.pollInterval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	/**
	 * Read the cluster soon, out of turn: when the primary stopped answering, the leader
	 * may be changing.
	 */
	public void refreshSoon() {
		ScheduledExecutorService executor = this.scheduler;
		if (executor != null && !executor.isShutdown()) {
			try {
				executor.execute(this::poll);
			}
			catch (java.util.concurrent.RejectedExecutionException ex) {
				// stopping
			}
		}
	}

	private void poll() {
		try {
			refresh();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not apply the Patroni cluster's topology: " + ex.getMessage(), ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	@Override
	public int getPhase() {
		// Before the health monitor starts, after it stopped.
		return Integer.MIN_VALUE + 999;
	}

	/**
	 * Close the pools this source opened: the members' and the retired ones'.
	 */
	@Override
	public void close() {
		stop();
		List<Member> members;
		synchronized (this) {
			members = List.copyOf(this.managed.values());
			this.managed.clear();
		}
		closeRetired(true);
		members.forEach((member) -> close(member.node().dataSource()));
	}

	private static int activeConnections(DataSource dataSource) {
		HikariDataSource hikari = unwrapHikari(dataSource);
		HikariPoolMXBean pool = (hikari != null) ? hikari.getHikariPoolMXBean() : null;
		return (pool != null) ? pool.getActiveConnections() : 0;
	}

	private static void evict(DataSource dataSource) {
		HikariDataSource hikari = unwrapHikari(dataSource);
		HikariPoolMXBean pool = (hikari != null) ? hikari.getHikariPoolMXBean() : null;
		if (pool != null) {
			pool.softEvictConnections();
		}
	}

	private static void close(DataSource dataSource) {
		if (dataSource instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.warn("Could not close a retired member's pool: " + ex.getMessage());
			}
		}
	}

	private static @Nullable HikariDataSource unwrapHikari(DataSource dataSource) {
		return DataSourceUnwrapper.unwrap(dataSource, HikariDataSource.class);
	}

	/**
	 * Builds the pool of a member the router reads from.
	 */
	@FunctionalInterface
	public interface MemberPools {

		/**
		 * Build a member's pool, with the settings of the replicas.
		 * @param name the member's name
		 * @param url its JDBC URL
		 * @return the pool, which the source closes when it retires the member
		 */
		DataSource create(String name, String url);

	}

	private record Member(String name, String host, int port, DataSourceNode node) {
	}

	private record Retired(DataSourceNode node, Instant deadline) {
	}

	private record State(Instant lastChanged, @Nullable Instant lastRefreshed, @Nullable String problem,
			@Nullable String leader, List<PatroniMember> members) {
	}

	@Override
	public String toString() {
		return "Patroni " + this.client.urls() + " " + Objects.toString(this.state.leader(), "(no leader)");
	}

}
