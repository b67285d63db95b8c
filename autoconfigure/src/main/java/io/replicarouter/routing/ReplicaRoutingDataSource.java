package io.replicarouter.routing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.ConnectionBuilder;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.ShardingKeyBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.replicarouter.WalPosition;
import io.replicarouter.routing.observation.RoutingObservationConvention;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.lookup.AbstractRoutingDataSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Spring's {@link AbstractRoutingDataSource} keyed by {@link NodeRole}: read-only work goes
 * to the {@link NodeRole#REPLICA} target, a {@link ReplicaSetDataSource} that chooses a
 * healthy replica that has replayed what the read must see; everything else goes to the
 * {@link NodeRole#PRIMARY} target, the primary's pool ({@link #getResolvedDataSources()}
 * shows both).
 * <p>
 * {@link #getConnection()} returns a lazy handle ({@link RoutingConnection}, which says why
 * Spring's {@code LazyConnectionDataSourceProxy} does not fit): the physical connection is
 * taken when the first statement of a transaction (or of work in auto-commit mode) is
 * created, and given back when it ends, so a handle held across transactions is routed
 * afresh for each. Spring's transaction managers take the connection before they mark it
 * read-only, so deciding any earlier would miss the flag. The decision
 * ({@link #acquire}), made once per transaction from cached state only (no extra round
 * trip):
 * <ol>
 * <li>a pin from {@link io.replicarouter.PrimaryRead} or {@link PrimaryReads}, or a
 * read-only transaction at {@code SERIALIZABLE}: the primary;</li>
 * <li>a read-only connection, or one outside any transaction with
 * {@link NonTransactionalReads#REPLICA}: a replica; when none can serve, the primary if
 * read-your-writes requires it, otherwise the {@link Fallback};</li>
 * <li>otherwise: the primary, unless the topology says it cannot take writes.</li>
 * </ol>
 * {@link #unwrap(Class)} reaches the primary's pool, so tools that look for the pool (for
 * example Boot's pool metrics) see the primary.
 */
public class ReplicaRoutingDataSource extends AbstractRoutingDataSource {

	private final DatabaseNodes nodes;

	private final RoutingTopology topology;

	private final ReplicaSelector selector;

	private final ReplicaSetDataSource replicas;

	private final Fallback fallback;

	private final NonTransactionalReads nonTransactionalReads;

	private final boolean defaultAutoCommit;

	private final ConsistencyGuard consistency;

	private final RoutingStatistics statistics;

	private final ConnectionsInUse inUse = new ConnectionsInUse();

	private final PrimaryWrites writes;

	private final PrimaryAccess primaryAccess;

	private final ReadsOnPrimary readsOnPrimary;

	private volatile GroupFallbacks groupFallbacks = GroupFallbacks.NONE;

	/**
	 * A group fallback: read from the primary.
	 */
	public static final String FALLBACK_PRIMARY = GroupFallbacks.PRIMARY;

	/**
	 * A group fallback: fail.
	 */
	public static final String FALLBACK_FAIL = GroupFallbacks.FAIL;

	private volatile @Nullable ConnectionDefaults connectionDefaults;

	private volatile BindingObservations observations = BindingObservations.NONE;

	/**
	 * Whether any replica is in a group other than the default: only then do binding
	 * observations name the group.
	 */
	private final boolean grouped;

	/**
	 * Create a routing data source.
	 * @param nodes the primary and the replicas
	 * @param topology which replicas are eligible, and where failures are reported
	 * @param selector chooses among eligible replicas
	 * @param fallback what a read does when no replica is eligible
	 * @param nonTransactionalReads where connections taken outside a transaction go
	 * @param defaultAutoCommit the auto-commit mode the pools hand connections out with
	 * @param consistency what reads must have seen (read-your-writes)
	 */
	public ReplicaRoutingDataSource(DatabaseNodes nodes, RoutingTopology topology, ReplicaSelector selector,
			Fallback fallback, NonTransactionalReads nonTransactionalReads, boolean defaultAutoCommit,
			ConsistencyGuard consistency) {
		this(nodes, topology, selector, fallback, nonTransactionalReads, defaultAutoCommit, consistency,
				new RoutingStatistics(nodes));
	}

	/**
	 * Create a routing data source that counts what it does in the given statistics.
	 * @param nodes the primary and the replicas
	 * @param topology which replicas are eligible, and where failures are reported
	 * @param selector chooses among eligible replicas
	 * @param fallback what a read does when no replica is eligible
	 * @param nonTransactionalReads where connections taken outside a transaction go
	 * @param defaultAutoCommit the auto-commit mode the pools hand connections out with
	 * @param consistency what reads must have seen (read-your-writes)
	 * @param statistics where routing decisions are counted
	 */
	public ReplicaRoutingDataSource(DatabaseNodes nodes, RoutingTopology topology, ReplicaSelector selector,
			Fallback fallback, NonTransactionalReads nonTransactionalReads, boolean defaultAutoCommit,
			ConsistencyGuard consistency, RoutingStatistics statistics) {
		this.nodes = nodes;
		this.topology = topology;
		this.selector = selector;
		this.grouped = nodes.replicas()
			.stream()
			.anyMatch((replica) -> !DataSourceNode.DEFAULT_GROUP.equals(replica.group()));
		this.replicas = new ReplicaSetDataSource(topology, selector, this.inUse, statistics, this.grouped);
		this.primaryAccess = new PrimaryAccess(nodes.primary(), topology);
		this.readsOnPrimary = new ReadsOnPrimary(nodes.primary(), this.primaryAccess, topology, statistics);
		this.fallback = fallback;
		this.nonTransactionalReads = nonTransactionalReads;
		this.defaultAutoCommit = defaultAutoCommit;
		this.consistency = consistency;
		this.writes = new PrimaryWrites(nodes.primary(), consistency);
		this.statistics = statistics;
		setTargetDataSources(Map.of(NodeRole.PRIMARY, nodes.primary().dataSource(), NodeRole.REPLICA, this.replicas));
		setLenientFallback(false);
		// Resolved now, so that the router works whether or not a container initializes it.
		initialize();
	}

	/**
	 * Return the nodes this data source routes to.
	 * @return the nodes
	 */
	public DatabaseNodes getNodes() {
		return this.nodes;
	}

	/**
	 * Return what the router has done so far.
	 * @return the statistics
	 */
	public RoutingStatistics getStatistics() {
		return this.statistics;
	}

	/**
	 * Return the balancing strategy.
	 * @return the selector
	 */
	public ReplicaSelector getSelector() {
		return this.selector;
	}

	/**
	 * Return what reads do when no replica is eligible.
	 * @return the fallback
	 */
	public Fallback getFallback() {
		return this.fallback;
	}

	/**
	 * Set how long work that can only run on the primary (writes, reads pinned to it) waits
	 * for a primary known to be down to come back before it fails with a
	 * {@link PrimaryUnavailableException}. Default 1 s.
	 * @param unavailableWait the longest wait, zero to fail at once
	 */
	public void setPrimaryUnavailableWait(Duration unavailableWait) {
		this.primaryAccess.setUnavailableWait(unavailableWait);
	}

	/**
	 * Return how long work that can only run on the primary waits for a primary known to
	 * be down.
	 * @return the wait
	 */
	public Duration getPrimaryUnavailableWait() {
		return this.primaryAccess.getUnavailableWait();
	}

	/**
	 * Return how many reads may run on the primary at once as the fallback.
	 * @return the limit, 0 for none
	 */
	public int getFallbackMaxConcurrency() {
		return this.readsOnPrimary.fallbackLimit().maxConcurrency();
	}

	/**
	 * Set how many reads may run on the primary at once as the fallback (no replica
	 * eligible); a read beyond that waits for one of them to end, at most
	 * {@link #setFallbackWait(Duration) the fallback wait}, then fails with a
	 * {@link FallbackLimitException} rather than move the replicas' whole load onto the
	 * primary.
	 * @param maxConcurrency the limit, 0 or less for none
	 */
	public void setFallbackMaxConcurrency(int maxConcurrency) {
		FallbackLimit limit = this.readsOnPrimary.fallbackLimit();
		this.readsOnPrimary.setFallbackLimit(new FallbackLimit(maxConcurrency, limit.waitTime()));
	}

	/**
	 * Set how long a read waits for a turn on the primary when as many fallback reads as
	 * allowed run there. Default 2 s, the default time a read waits for a connection of a
	 * replica's pool.
	 * @param fallbackWait the longest wait, zero to fail at once
	 */
	public void setFallbackWait(Duration fallbackWait) {
		FallbackLimit limit = this.readsOnPrimary.fallbackLimit();
		this.readsOnPrimary.setFallbackLimit(new FallbackLimit(limit.maxConcurrency(), fallbackWait));
	}

	/**
	 * Give replica groups a fallback of their own: what a read of the group does when none
	 * of its replicas can serve it. Without one, the default group follows
	 * {@link #getFallback()} and every other group fails: a report must not land on the
	 * primary unless the user says so.
	 * @param fallbacks each group's fallback: {@value #FALLBACK_PRIMARY},
	 * {@value #FALLBACK_FAIL} or the name of another group
	 * @throws IllegalArgumentException if groups fall back to each other in a cycle
	 */
	public void setGroupFallbacks(Map<String, String> fallbacks) {
		this.groupFallbacks = new GroupFallbacks(fallbacks);
	}

	/**
	 * Give replica groups a balancing of their own.
	 * @param selectors the selector of each group that has its own
	 */
	public void setGroupSelectors(Map<String, ReplicaSelector> selectors) {
		this.replicas.setGroupSelectors(selectors);
	}

	/**
	 * Return the zone the application runs in.
	 * @return the zone, or {@code null} for no zone preference
	 */
	public @Nullable String getZone() {
		return this.replicas.getZone();
	}

	/**
	 * Set the zone the application runs in: replicas of that zone
	 * ({@link DataSourceNode#zone()}) serve its reads while any of them can, replicas of
	 * other zones only when none of them can. Default none: every replica alike.
	 * @param zone the zone, or {@code null} for no preference
	 */
	public void setZone(@Nullable String zone) {
		this.replicas.setZone((zone != null && !zone.isBlank()) ? zone : null);
	}

	/**
	 * Return the primary's weight in the read rotation.
	 * @return the weight, 0 when the primary serves reads only as the fallback and for
	 * read-your-writes
	 */
	public int getPrimaryReadWeight() {
		return this.readsOnPrimary.share().weight();
	}

	/**
	 * Let the primary take part in the read rotation: it serves
	 * {@code weight / (weight + the weights of the replicas in rotation)} of the read-only
	 * transactions while the servers are equally busy, and under load the reads for which it
	 * has fewer transactions in flight per unit of weight than the replicas, as long as its
	 * pool has an idle connection and the fallback's limit
	 * ({@link #setFallbackMaxConcurrency}) leaves it a turn; otherwise the replicas serve
	 * them. Default 0: the primary serves reads only as the fallback and for
	 * read-your-writes.
	 * @param weight the primary's weight, 0 or more
	 */
	public void setPrimaryReadWeight(int weight) {
		this.readsOnPrimary.setShare((weight != 0) ? new PrimaryReadShare(weight) : PrimaryReadShare.NONE);
	}

	/**
	 * Return the primary.
	 * @return the primary node
	 */
	public DataSourceNode getPrimary() {
		return this.nodes.primary();
	}

	/**
	 * Return the replicas, in configuration order.
	 * @return the replica nodes
	 */
	public List<DataSourceNode> getReplicas() {
		return this.nodes.replicas();
	}

	/**
	 * Return where work started on this thread now would go, from what Spring's
	 * transaction synchronization says: {@link NodeRole#REPLICA} inside a read-only
	 * transaction (unless pinned to the primary), {@link NodeRole#PRIMARY} otherwise. A
	 * handle decides from the flags set on it as well, when its first statement runs.
	 * @return the lookup key
	 */
	@Override
	public NodeRole determineCurrentLookupKey() {
		boolean inTransaction = TransactionSynchronizationManager.isActualTransactionActive();
		return route(reason(false, !inTransaction, RoutingConnection.UNSET));
	}

	@Override
	public Connection getConnection() {
		return new RoutingConnection(this, this.defaultAutoCommit);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"replica-router uses the credentials configured for each node; call getConnection() instead");
	}

	@Override
	public ConnectionBuilder createConnectionBuilder() throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"replica-router uses the credentials configured for each node; call getConnection() instead");
	}

	@Override
	public ShardingKeyBuilder createShardingKeyBuilder() throws SQLException {
		throw new SQLFeatureNotSupportedException("replica-router does not shard");
	}

	/**
	 * Take a physical connection for a unit of work whose first statement is about to run:
	 * the one routing decision, recorded here (thread state, statistics, connections in
	 * use) and handed back whole.
	 * @param readOnly whether the work was marked read-only
	 * @param autoCommit whether it runs in auto-commit mode
	 * @param isolation the isolation level set for it, {@link RoutingConnection#UNSET} for
	 * the default
	 * @return the binding
	 * @throws SQLException if no node can give a connection
	 */
	Binding acquire(boolean readOnly, boolean autoCommit, int isolation) throws SQLException {
		RoutingReason requested = reason(readOnly, autoCommit, isolation);
		BindingObservations observations = this.observations;
		return observations.isActive() ? observed(observations, requested) : bind(requested);
	}

	/**
	 * Decide, take the connection and record the binding.
	 */
	private Binding bind(RoutingReason requested) throws SQLException {
		Binding binding = (route(requested) == NodeRole.REPLICA) ? read(requested) : primary(requested);
		if (binding.node().role() == NodeRole.PRIMARY && (requested == RoutingReason.READ_WRITE
				|| requested == RoutingReason.NON_TRANSACTIONAL_READ)) {
			// Work that may write (auto-commit work too); its end is recorded for read-your-writes.
			binding = binding.forWorkThatMayWrite();
		}
		RoutingThreadState.current().bound(binding.node(), binding.reason(), binding.position());
		this.statistics.record(binding.node(), binding.reason());
		this.inUse.add(binding.node(), binding.reason(), binding.connection());
		return binding;
	}

	/**
	 * {@link #bind} inside an observation, started before the decision so that it covers
	 * the wait for a connection. Apart from the unobserved path, which stays as small as it
	 * was.
	 */
	private Binding observed(BindingObservations observations, RoutingReason requested) throws SQLException {
		NodeRole route = route(requested);
		Observation observation = observations.start(route, requested,
				(this.grouped && route == NodeRole.REPLICA) ? ReplicaSetDataSource.currentGroup() : null);
		Binding binding;
		try {
			binding = bind(requested);
		}
		catch (SQLException | RuntimeException | Error ex) {
			BindingObservations.failed(observation, ex);
			throw ex;
		}
		BindingObservations.bound(observation, binding);
		return binding.observedBy(observation);
	}

	/**
	 * Undo what {@link #acquire} recorded, when its binding's work ended.
	 * @param binding the binding
	 */
	void released(Binding binding) {
		this.inUse.remove(binding.node(), binding.reason(), binding.connection());
		this.readsOnPrimary.released(binding);
		binding.observation().stop();
	}

	/**
	 * Observe every routed connection binding in the given registry: one
	 * {@link io.replicarouter.routing.observation.RoutingObservationDocumentation#CONNECTION_BINDING}
	 * observation per unit of work, a child of the observation current when it asks for a
	 * connection (the web request's, say). Default {@link ObservationRegistry#NOOP}:
	 * nothing is observed, at no cost.
	 * @param registry the registry
	 */
	public void setObservationRegistry(ObservationRegistry registry) {
		this.observations = new BindingObservations(registry, this.observations.convention());
	}

	/**
	 * Return the registry routing decisions are observed in.
	 * @return the registry, {@link ObservationRegistry#NOOP} when none is
	 */
	public ObservationRegistry getObservationRegistry() {
		return this.observations.registry();
	}

	/**
	 * Return the convention of the binding observations the application chose.
	 * @return the convention, {@code null} for the default
	 */
	public @Nullable RoutingObservationConvention getObservationConvention() {
		return this.observations.convention();
	}

	/**
	 * Replace the default convention of the binding observations.
	 * @param convention the convention, {@code null} for
	 * {@link io.replicarouter.routing.observation.DefaultRoutingObservationConvention}
	 */
	public void setObservationConvention(@Nullable RoutingObservationConvention convention) {
		this.observations = new BindingObservations(this.observations.registry(), convention);
	}

	/**
	 * Bind work that can only run on the primary: writes, pinned reads, serializable
	 * reads. While the primary is known to be down it fails fast.
	 */
	private Binding primary(RoutingReason reason) throws SQLException {
		if (reason == RoutingReason.READ_WRITE) {
			String unavailable = this.topology.primaryUnavailableReason();
			if (unavailable != null) {
				throw new PrimaryUnavailableException(unavailable);
			}
		}
		return new Binding(this.primaryAccess.connect(true), this.nodes.primary(), reason, WalPosition.CURRENT,
				reason == RoutingReason.READ_WRITE || reason == RoutingReason.NON_TRANSACTIONAL_READ);
	}

	private Binding read(RoutingReason reason) throws SQLException {
		WalPosition required = this.consistency.requiredPosition();
		return required.equals(WalPosition.CURRENT) ? readOnPrimaryOrWaitForReplicas(reason) : read(reason, required);
	}

	private Binding read(RoutingReason reason, WalPosition required) throws SQLException {
		if (reason == RoutingReason.READ_ONLY) {
			Binding share = this.readsOnPrimary.shareOfReads();
			if (share != null) {
				return share;
			}
		}
		ReplicaSetDataSource.ReplicaConnection replica = this.replicas.acquire(required, this.consistency.maxWait());
		if (replica != null) {
			this.consistency.afterRead(replica.position());
			return new Binding(replica.connection(), replica.node(), reason, replica.position(), false);
		}
		if (!required.equals(WalPosition.ZERO) && this.replicas.anyEligible()) {
			// Replicas are in rotation, but none has replayed the scope's last write yet.
			return readOnPrimaryOrAwaitReplica(reason, required);
		}
		return fallback(reason, required);
	}

	/**
	 * No replica of the read's group can serve it: the group's fallback decides.
	 */
	private Binding fallback(RoutingReason reason, WalPosition required) throws SQLException {
		String group = ReplicaSetDataSource.currentGroup();
		String fallback = this.groupFallbacks.of(group, this.fallback);
		if (GroupFallbacks.PRIMARY.equals(fallback)) {
			return this.readsOnPrimary.fallback(this.replicas::describeUnavailable);
		}
		if (GroupFallbacks.FAIL.equals(fallback)) {
			throw this.groupFallbacks.failure(group, this.replicas.describeUnavailable());
		}
		ReplicaReads.Preference previous = ReplicaReads.enter(new ReplicaReads.Preference(fallback, null));
		try {
			return read(reason, required);
		}
		finally {
			ReplicaReads.exit(previous);
		}
	}

	/**
	 * Serve a read that no replica can serve yet from the primary; if the primary is
	 * unavailable, wait for the most advanced replica to replay the scope's write instead
	 * (at most {@link ConsistencyGuard#maxWaitWithoutPrimary()}), so that the read neither
	 * fails while a healthy replica remains nor returns data older than the write.
	 */
	private Binding readOnPrimaryOrAwaitReplica(RoutingReason reason, WalPosition required) throws SQLException {
		Duration maxWait = this.consistency.maxWaitWithoutPrimary();
		ReadsOnPrimary.Attempt primary = this.readsOnPrimary.forConsistency(
				" and no replica has replayed this scope's last write within " + maxWait.toMillis() + " ms");
		if (primary.binding() != null) {
			return primary.binding();
		}
		ReplicaSetDataSource.ReplicaConnection replica = this.replicas.awaitMostAdvanced(required, maxWait);
		if (replica == null) {
			this.logger.warn("A read that must see WAL position " + required + " failed: the primary is unavailable ("
					+ primary.failure().getMessage() + ") and no replica replayed that position within "
					+ maxWait.toMillis() + " ms");
			throw primary.failure();
		}
		this.consistency.afterRead(replica.position());
		return new Binding(replica.connection(), replica.node(), reason, replica.position(), false);
	}

	/**
	 * Serve a read that must run on the primary (sticky mode, or a write whose WAL position
	 * could not be read). If the primary is unavailable, wait until every replica in
	 * rotation has replayed the scope's write ({@link ConsistencyGuard#primaryOnlyRemaining()})
	 * and route the read again: it then neither fails while healthy replicas remain nor
	 * returns data older than the write.
	 */
	private Binding readOnPrimaryOrWaitForReplicas(RoutingReason reason) throws SQLException {
		ReadsOnPrimary.Attempt primary = this.readsOnPrimary.forConsistency("");
		if (primary.binding() != null) {
			return primary.binding();
		}
		SQLException primaryFailure = primary.failure();
		Duration remaining = this.consistency.primaryOnlyRemaining();
		if (remaining.compareTo(this.consistency.maxWaitWithoutPrimary()) > 0) {
			throw primaryFailure;
		}
		if (!remaining.isZero()) {
			this.logger.warn("The primary cannot serve a read that must see its scope's last write ("
					+ primaryFailure.getMessage() + "); waiting " + remaining.toMillis()
					+ " ms until every replica in rotation has replayed it");
			try {
				// rounded up, so as not to wake a fraction of a millisecond early
				Thread.sleep(remaining.plusNanos(999_999).toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw primaryFailure;
			}
		}
		// Every replica in rotation has the write now: route as a read without that requirement.
		WalPosition required = this.consistency.requiredPosition();
		return read(reason, required.equals(WalPosition.CURRENT) ? WalPosition.ZERO : required);
	}

	/**
	 * Abort every connection of a node in use now for read-only work that may run elsewhere
	 * ({@link Connection#abort}): called when the node stopped answering, so that statements
	 * waiting on it fail at once instead of after the socket timeout, and their read-only
	 * transactions run again elsewhere. Writes are left alone.
	 * @param node the node
	 * @param executor runs the aborts
	 * @return how many connections were aborted
	 */
	public int abortConnectionsInUse(DataSourceNode node, Executor executor) {
		if (node.role() == NodeRole.PRIMARY) {
			// Callers waiting for a connection of the primary fail fast now, too.
			this.primaryAccess.primaryStoppedAnswering();
		}
		return this.inUse.abortAll(node, executor);
	}

	/**
	 * Commit a transaction bound to the primary for work that may have written, and let the
	 * consistency guard record the write (in the commit's round trip where it can).
	 * @param connection the physical connection, in the transaction
	 * @throws SQLException if the commit fails
	 */
	void commitWrite(Connection connection) throws SQLException {
		this.writes.commit(connection);
	}

	/**
	 * Called after work bound to the primary that may have written was released in
	 * auto-commit mode, or committed without {@link #commitWrite}: lets the consistency
	 * guard record the write.
	 * @param connection the physical connection, idle
	 */
	void afterPrimaryWrite(Connection connection) {
		this.writes.afterAutoCommitWork(connection);
	}

	/**
	 * Report that a node failed under a connection that was bound to it.
	 * @param node the node
	 * @param failure what failed
	 */
	void reportFailure(DataSourceNode node, Throwable failure) {
		this.topology.reportFailure(node, failure);
	}

	/**
	 * Return the isolation level and holdability connections have when nothing was set on
	 * them, so that a handle answers questions about them without taking a connection
	 * (transaction managers ask before they mark a transaction read-only). Read once, from
	 * the primary or, while it is unavailable, from a replica.
	 * @return the defaults
	 * @throws SQLException if they are not known yet and no node can give a connection
	 */
	ConnectionDefaults defaults() throws SQLException {
		ConnectionDefaults defaults = this.connectionDefaults;
		if (defaults != null) {
			return defaults;
		}
		SQLException failure = null;
		for (DataSourceNode node : this.nodes.all()) {
			try (Connection connection = node.dataSource().getConnection()) {
				defaults = new ConnectionDefaults(connection.getTransactionIsolation(), connection.getHoldability());
				this.connectionDefaults = defaults;
				return defaults;
			}
			catch (SQLException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		throw Objects.requireNonNull(failure);
	}

	private static NodeRole route(RoutingReason reason) {
		return (reason == RoutingReason.READ_ONLY || reason == RoutingReason.NON_TRANSACTIONAL_READ)
				? NodeRole.REPLICA : NodeRole.PRIMARY;
	}

	private RoutingReason reason(boolean readOnly, boolean autoCommit, int isolation) {
		// The connection flag is what transaction managers set; the synchronization flag also
		// covers read-only scopes without a transaction (propagation SUPPORTS), and read-only
		// transactions whose manager does not mark the connection (JPA when Hibernate
		// releases connections after each transaction).
		if (readOnly || TransactionSynchronizationManager.isCurrentTransactionReadOnly()) {
			if (PrimaryReads.isActive()) {
				return RoutingReason.PRIMARY_READ;
			}
			// A hot standby refuses SERIALIZABLE, and REPEATABLE READ there is not the same
			// guarantee: a standby's snapshot may show a state no serial order of the
			// primary's transactions produces (the read-only anomaly).
			return (isolation == Connection.TRANSACTION_SERIALIZABLE) ? RoutingReason.SERIALIZABLE_READ
					: RoutingReason.READ_ONLY;
		}
		if (autoCommit && this.nonTransactionalReads == NonTransactionalReads.REPLICA && !PrimaryReads.isActive()
				&& !TransactionSynchronizationManager.isActualTransactionActive()) {
			return RoutingReason.NON_TRANSACTIONAL_READ;
		}
		return RoutingReason.READ_WRITE;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		return this.nodes.primary().dataSource().unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || this.nodes.primary().dataSource().isWrapperFor(iface);
	}

	@Override
	public @Nullable PrintWriter getLogWriter() {
		try {
			return this.nodes.primary().dataSource().getLogWriter();
		}
		catch (SQLException ex) {
			return null;
		}
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		throw new SQLFeatureNotSupportedException("Configure the log writer on each node's pool");
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"Configure connection timeouts with spring.datasource.hikari.* or replica-router.replicas[*].hikari.*");
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.nodes.primary().dataSource().getLoginTimeout();
	}

	@Override
	public String toString() {
		return "ReplicaRoutingDataSource" + this.nodes;
	}

	/**
	 * What a connection is set to when nothing was set on it.
	 * @param isolation the transaction isolation level
	 * @param holdability the result set holdability
	 */
	record ConnectionDefaults(int isolation, int holdability) {

	}

}
