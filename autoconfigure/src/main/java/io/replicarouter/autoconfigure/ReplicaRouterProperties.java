package io.replicarouter.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.replicarouter.replica.BalancingStrategy;
import io.replicarouter.routing.Fallback;
import io.replicarouter.routing.NonTransactionalReads;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DataSizeUnit;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;
import org.springframework.util.unit.DataUnit;

/**
 * Configuration of the replicas and of how work is routed to them. The primary is
 * configured with Boot's own {@code spring.datasource.*} and
 * {@code spring.datasource.hikari.*}.
 */
@ConfigurationProperties(ReplicaRouterProperties.PREFIX)
public class ReplicaRouterProperties {

	/**
	 * The prefix of every replica-router property.
	 */
	public static final String PREFIX = "replica-router";

	/**
	 * Whether to route read-only transactions to replicas. When false the application uses
	 * Boot's plain DataSource.
	 */
	private boolean enabled = true;

	/**
	 * Whether startup fails when the primary or a replica cannot be reached, refuses the
	 * credentials, or is not in its configured role at the first probe. When false such a
	 * replica starts out of rotation and joins once it is healthy, and the primary is
	 * retried on use.
	 */
	private boolean failFast;

	/**
	 * Streaming replicas that serve read-only transactions. Each inherits the primary's
	 * credentials and pool settings unless it overrides them.
	 */
	private List<Replica> replicas = new ArrayList<>();

	/**
	 * Where statements outside any transaction go: 'primary' (safe, since they may write) or
	 * 'replica' (only when such work never writes).
	 */
	private NonTransactionalReads nonTransactionalReads = NonTransactionalReads.PRIMARY;

	/**
	 * What a read-only transaction does when no replica is eligible: run on the 'primary'
	 * (still read-only), or 'fail' with an exception that says why each replica is out of
	 * rotation.
	 */
	private Fallback fallback = Fallback.PRIMARY;

	/**
	 * Most read-only transactions that may run on the primary at once as the fallback (no
	 * replica eligible); a read beyond it waits up to 'timeouts.borrow' for a turn, then
	 * fails with FallbackLimitException instead of moving the replicas' whole load onto the
	 * primary. Not set: half the primary pool's
	 * maximum size, at least 1.
	 */
	private @Nullable Integer fallbackMaxConcurrency;

	/**
	 * How read-only transactions are spread over the eligible replicas.
	 */
	private BalancingStrategy balancing = BalancingStrategy.ROUND_ROBIN;

	/**
	 * Zone (availability zone, data centre) this application instance runs in. Replicas of
	 * the same zone (replicas[i].zone) serve its reads while any of them is eligible;
	 * replicas of other zones only when none is. Not set: every replica alike.
	 */
	private @Nullable String zone;

	/**
	 * Settings of replica groups, by group name ('default' is the group of ordinary
	 * reads): each group's own max-lag, balancing and fallback.
	 */
	private Map<String, Group> groups = new LinkedHashMap<>();

	/**
	 * Longest replication lag, in time, a replica in rotation may have. A replica over it
	 * leaves rotation and comes back once its lag is at most half of it.
	 */
	private Duration maxLag = Duration.ofSeconds(5);

	/**
	 * Most WAL a replica in rotation may still have to replay. A replica over it leaves
	 * rotation and comes back once at most half of it is left. Not set: no limit in bytes.
	 */
	@DataSizeUnit(DataUnit.BYTES)
	private @Nullable DataSize maxLagBytes;

	/**
	 * Timeouts of the replica pools, applied unless 'spring.datasource.hikari.*', the
	 * replica's own 'hikari.*' or its URL set them.
	 */
	private final Timeouts timeouts = new Timeouts();

	/**
	 * Re-running of read-only transactions whose replica went away, and opt-in re-running
	 * of read-write transactions that could not get the primary.
	 */
	private final Retry retry = new Retry();

	/**
	 * What work that can only run on the primary does while the primary is down.
	 */
	private final Primary primary = new Primary();

	public boolean isEnabled() {
		return this.enabled;
	}

	public @Nullable Integer getFallbackMaxConcurrency() {
		return this.fallbackMaxConcurrency;
	}

	public void setFallbackMaxConcurrency(@Nullable Integer fallbackMaxConcurrency) {
		this.fallbackMaxConcurrency = fallbackMaxConcurrency;
	}

	public Primary getPrimary() {
		return this.primary;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	public List<Replica> getReplicas() {
		return this.replicas;
	}

	public void setReplicas(List<Replica> replicas) {
		this.replicas = replicas;
	}

	public NonTransactionalReads getNonTransactionalReads() {
		return this.nonTransactionalReads;
	}

	public void setNonTransactionalReads(NonTransactionalReads nonTransactionalReads) {
		this.nonTransactionalReads = nonTransactionalReads;
	}

	public Fallback getFallback() {
		return this.fallback;
	}

	public void setFallback(Fallback fallback) {
		this.fallback = fallback;
	}

	public BalancingStrategy getBalancing() {
		return this.balancing;
	}

	public void setBalancing(BalancingStrategy balancing) {
		this.balancing = balancing;
	}

	public @Nullable String getZone() {
		return this.zone;
	}

	public void setZone(@Nullable String zone) {
		this.zone = zone;
	}

	public Map<String, Group> getGroups() {
		return this.groups;
	}

	public void setGroups(Map<String, Group> groups) {
		this.groups = groups;
	}

	public Duration getMaxLag() {
		return this.maxLag;
	}

	public void setMaxLag(Duration maxLag) {
		this.maxLag = maxLag;
	}

	public @Nullable DataSize getMaxLagBytes() {
		return this.maxLagBytes;
	}

	public void setMaxLagBytes(@Nullable DataSize maxLagBytes) {
		this.maxLagBytes = maxLagBytes;
	}

	public Timeouts getTimeouts() {
		return this.timeouts;
	}

	public Retry getRetry() {
		return this.retry;
	}

	/**
	 * Timeouts of the replica pools. They keep a stalled replica (a network black hole, a
	 * stopped server) from holding a request for long: the transaction fails over or
	 * fails instead of waiting.
	 */
	public static class Timeouts {

		/**
		 * How long opening a connection to a replica may take (the driver's connect and
		 * login timeouts).
		 */
		private Duration connect = Duration.ofSeconds(2);

		/**
		 * How long a replica may take to answer on an open connection (the driver's socket
		 * timeout): a backstop only. Long queries are bounded by the statement timeout, on
		 * the server; a stalled replica by its probes, which abort its connections in use
		 * once it is down. A replica's socket timeout is never less than its statement
		 * timeout plus 5 s, so that the server's cancel arrives before the socket gives up.
		 */
		private Duration socket = Duration.ofSeconds(15);

		/**
		 * Longest a statement may run on a replica, enforced by the server
		 * ('statement_timeout', set when each replica connection opens): a longer one is
		 * cancelled with SQLSTATE 57014, which fails the query, not the replica. 10 s keeps
		 * a runaway read from holding a connection (and its request) for long, while staying
		 * far above what an OLTP read takes; raise it per replica that runs reports
		 * ('replica-router.replicas[i].timeouts.statement'). 0 sets none.
		 */
		private Duration statement = Duration.ofSeconds(10);

		/**
		 * How long borrowing a connection from a replica pool may wait (Hikari's
		 * connection-timeout) before the next replica, then the fallback, is tried.
		 */
		private Duration borrow = Duration.ofSeconds(2);

		public Duration getConnect() {
			return this.connect;
		}

		public void setConnect(Duration connect) {
			this.connect = connect;
		}

		public Duration getSocket() {
			return this.socket;
		}

		public void setSocket(Duration socket) {
			this.socket = socket;
		}

		public Duration getStatement() {
			return this.statement;
		}

		public void setStatement(Duration statement) {
			this.statement = statement;
		}

		public Duration getBorrow() {
			return this.borrow;
		}

		public void setBorrow(Duration borrow) {
			this.borrow = borrow;
		}

	}

	/**
	 * Re-running of {@code @Transactional(readOnly = true)} methods whose replica went away.
	 */
	public static class Retry {

		/**
		 * How many times a read-only transactional method runs at most when its replica
		 * fails under it (connection lost, server shut down, hot-standby conflict); 1 turns
		 * re-running off.
		 */
		private int maxAttempts = 3;

		/**
		 * Re-running of read-write transactions that could not get the primary.
		 */
		private final Writes writes = new Writes();

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public Writes getWrites() {
			return this.writes;
		}

	}

	/**
	 * Re-running of read-write {@code @Transactional} methods whose transaction could not get
	 * the primary (it was down, or could not be reached) before anything was sent to it.
	 */
	public static class Writes {

		/**
		 * Whether a read-write transactional method that starts its own transaction runs
		 * again, up to 'replica-router.retry.max-attempts' times in all, when its
		 * transaction failed to get the primary before any statement was sent and nothing
		 * was written in the attempt. Off by default: the method's other side effects run
		 * again too.
		 */
		private boolean enabled;

		/**
		 * Longest time to wait for the primary to be back before each new attempt.
		 */
		private Duration maxWait = Duration.ofSeconds(10);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getMaxWait() {
			return this.maxWait;
		}

		public void setMaxWait(Duration maxWait) {
			this.maxWait = maxWait;
		}

	}

	/**
	 * One replica group's settings.
	 */
	public static class Group {

		/**
		 * Replication lag beyond which a replica of this group leaves rotation; it returns at
		 * half of it. Defaults to replica-router.max-lag.
		 */
		private @Nullable Duration maxLag;

		/**
		 * How the group's reads are spread over its replicas. Defaults to
		 * replica-router.balancing.
		 */
		private @Nullable BalancingStrategy balancing;

		/**
		 * What a read of this group does when none of its replicas is eligible: 'fail', 'primary'
		 * (the primary, within fallback-max-concurrency), or the name of another group to read
		 * from. Defaults to replica-router.fallback for the default group and to 'fail' for
		 * every other group: a report must not land on the primary unless you say so.
		 */
		private @Nullable String fallback;

		public @Nullable Duration getMaxLag() {
			return this.maxLag;
		}

		public void setMaxLag(@Nullable Duration maxLag) {
			this.maxLag = maxLag;
		}

		public @Nullable BalancingStrategy getBalancing() {
			return this.balancing;
		}

		public void setBalancing(@Nullable BalancingStrategy balancing) {
			this.balancing = balancing;
		}

		public @Nullable String getFallback() {
			return this.fallback;
		}

		public void setFallback(@Nullable String fallback) {
			this.fallback = fallback;
		}

	}

	/**
	 * The primary's part in routing: what work that can only run there (writes, reads pinned
	 * to it) does while it is down, and whether it also takes a share of the reads.
	 */
	public static class Primary {

		/**
		 * Weight of the primary in the read rotation, next to each replica's weight (1 by
		 * default): the primary serves weight / (weight + the weights of the replicas in
		 * rotation) of the read-only transactions while the servers are equally busy; under
		 * load a read goes where fewer transactions are in flight per unit of weight. Never
		 * when its pool has no idle connection or fallback-max-concurrency reads already run
		 * there. 0 keeps reads off the primary except as the fallback and for
		 * read-your-writes.
		 */
		private int readWeight;

		public int getReadWeight() {
			return this.readWeight;
		}

		public void setReadWeight(int readWeight) {
			this.readWeight = readWeight;
		}

		/**
		 * Longest time such work waits for a primary known to be down (its probes fail) to
		 * come back before it fails with PrimaryUnavailableException, instead of waiting for
		 * the primary pool's connection timeout. Work already waiting for a connection of the
		 * primary when it goes down is woken and given the same wait.
		 */
		private Duration unavailableWait = Duration.ofSeconds(1);

		public Duration getUnavailableWait() {
			return this.unavailableWait;
		}

		public void setUnavailableWait(Duration unavailableWait) {
			this.unavailableWait = unavailableWait;
		}

	}

	/**
	 * One streaming replica.
	 */
	public static class Replica {

		/**
		 * Unique name of the replica (letters, digits, '.', '_' and '-'). Its pool is named
		 * 'replica-<name>'. Defaults to its 1-based position in the list.
		 */
		private @Nullable String name;

		/**
		 * JDBC URL of the replica, for example 'jdbc:postgresql://replica-1:5432/app'.
		 */
		private @Nullable String url;

		/**
		 * Login user of the replica. Defaults to the primary's.
		 */
		private @Nullable String username;

		/**
		 * Login password of the replica. Defaults to the primary's.
		 */
		private @Nullable String password;

		/**
		 * Relative share of reads for weighted balancing; at least 1.
		 */
		private int weight = 1;

		/**
		 * Zone (availability zone, data centre) the replica runs in, compared with
		 * replica-router.zone.
		 */
		private @Nullable String zone;

		/**
		 * Replica group whose reads the replica serves: 'default' for ordinary reads, or a
		 * group that only reads asking for it use (@ReplicaRead(group = ...)), for example
		 * an 'analytics' replica for reports.
		 */
		private String group = "default";

		/**
		 * Hikari settings for this replica's pool, in the form of
		 * 'spring.datasource.hikari.*' keys (for example 'maximum-pool-size'). They override
		 * the settings inherited from 'spring.datasource.hikari.*'.
		 */
		private Map<String, String> hikari = new LinkedHashMap<>();

		/**
		 * Timeouts of this replica only.
		 */
		private final ReplicaTimeouts timeouts = new ReplicaTimeouts();

		public ReplicaTimeouts getTimeouts() {
			return this.timeouts;
		}

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public @Nullable String getZone() {
			return this.zone;
		}

		public void setZone(@Nullable String zone) {
			this.zone = zone;
		}

		public String getGroup() {
			return this.group;
		}

		public void setGroup(String group) {
			this.group = group;
		}

		public Map<String, String> getHikari() {
			return this.hikari;
		}

		public void setHikari(Map<String, String> hikari) {
			this.hikari = hikari;
		}

		@Override
		public String toString() {
			// Never print the password or a URL that may carry one.
			return "Replica[name=" + this.name + "]";
		}

	}

	/**
	 * The name of a replica: its own, or its 1-based position in the list.
	 */
	static String replicaName(Replica replica, int index) {
		return StringUtils.hasText(replica.getName()) ? replica.getName().trim() : String.valueOf(index + 1);
	}

	/**
	 * The name of a replica's node and pool, {@code replica-<name>}.
	 */
	static String nodeName(Replica replica, int index) {
		return "replica-" + replicaName(replica, index);
	}

	/**
	 * Timeouts of one replica's pool, overriding 'replica-router.timeouts.*'.
	 */
	public static class ReplicaTimeouts {

		/**
		 * Longest a statement may run on this replica ('statement_timeout'), for example
		 * longer on a replica that serves reports. Defaults to
		 * 'replica-router.timeouts.statement'; 0 sets none.
		 */
		private @Nullable Duration statement;

		public @Nullable Duration getStatement() {
			return this.statement;
		}

		public void setStatement(@Nullable Duration statement) {
			this.statement = statement;
		}

	}

}
