package io.replicarouter.routing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A {@link DataSource} that sends read-only transactions to a healthy replica and
 * everything else to the primary.
 * <p>
 * {@link #getConnection()} returns a lazy handle: the physical connection is taken when
 * the first statement of a transaction (or of work in auto-commit mode) is created, and
 * given back when it ends, so a handle held across transactions is routed afresh for
 * each. Spring's transaction managers take the connection before they mark it read-only,
 * so deciding any earlier would miss the flag. The decision, made once per transaction
 * from cached state only (no extra round trip):
 * <ol>
 * <li>a pin from {@link io.replicarouter.PrimaryRead} or {@link PrimaryReads}, or a
 * read-only transaction at {@code SERIALIZABLE}: the primary;</li>
 * <li>a read-only connection, or one outside any transaction with
 * {@link NonTransactionalReads#REPLICA}: an eligible replica chosen by the
 * {@link ReplicaSelector}. If its pool cannot give a connection, the node is reported to
 * the {@link RoutingTopology} and another eligible replica is tried, then the
 * {@link Fallback};</li>
 * <li>otherwise: the primary, unless the topology says it cannot take writes.</li>
 * </ol>
 * {@link #unwrap(Class)} reaches the primary's pool, so tools that look for the pool (for
 * example Boot's pool metrics) see the primary.
 */
public class ReplicaRoutingDataSource implements DataSource {

	private static final Log logger = LogFactory.getLog(ReplicaRoutingDataSource.class);

	private static final int VALIDATION_TIMEOUT_SECONDS = 1;

	private final DatabaseNodes nodes;

	private final RoutingTopology topology;

	private final ReplicaSelector selector;

	private final Fallback fallback;

	private final NonTransactionalReads nonTransactionalReads;

	private final boolean defaultAutoCommit;

	private final ConsistencyGuard consistency;

	private final RoutingStatistics statistics;

	private final Map<DataSourceNode, Set<Connection>> readConnectionsInUse = new ConcurrentHashMap<>();

	private volatile @Nullable ConnectionDefaults connectionDefaults;

	/**
	 * Replay positions replicas answered to live checks, each valid for the snapshot of the
	 * replica it was checked against (until the monitor probes the replica again). Without
	 * them every read of a scope that read at a checked position would need another check:
	 * a checked position is newer than the probed one, and the scope never reads older data.
	 * They spare the query when the balancer picks a replica already checked; they do not
	 * narrow the choice, so reads stay spread over every eligible replica.
	 */
	private final Map<DataSourceNode, CheckedPosition> checkedPositions = new ConcurrentHashMap<>();

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
		this.fallback = fallback;
		this.nonTransactionalReads = nonTransactionalReads;
		this.defaultAutoCommit = defaultAutoCommit;
		this.consistency = consistency;
		this.statistics = statistics;
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

	@Override
	public Connection getConnection() {
		return new RoutingConnection(this, this.defaultAutoCommit);
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

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"replica-router uses the credentials configured for each node; call getConnection() instead");
	}

	/**
	 * Take a physical connection for a unit of work whose first statement is about to run:
	 * the one routing decision, recorded here (thread state, statistics, connections in
	 * use) and handed back whole.
	 * @param readOnly whether the work was marked read-only
	 * @param autoCommit whether it runs in auto-commit mode
	 * @param isolation the isolation level set for it, -1 for the default
	 * @return the binding
	 * @throws SQLException if no node can give a connection
	 */
	Binding acquire(boolean readOnly, boolean autoCommit, int isolation) throws SQLException {
		RoutingReason requested = reason(readOnly, autoCommit, isolation);
		Binding binding = route(requested);
		if (binding.node().role() == NodeRole.PRIMARY && (requested == RoutingReason.READ_WRITE
				|| requested == RoutingReason.NON_TRANSACTIONAL_READ)) {
			// Work that may write (auto-commit work too); its end is recorded for read-your-writes.
			return binding.forWorkThatMayWrite();
		}
		return binding;
	}

	private Binding route(RoutingReason reason) throws SQLException {
		if (reason == RoutingReason.READ_ONLY || reason == RoutingReason.NON_TRANSACTIONAL_READ) {
			return acquireForRead(reason);
		}
		if (reason == RoutingReason.READ_WRITE) {
			String unavailable = this.topology.primaryUnavailableReason();
			if (unavailable != null) {
				throw new PrimaryUnavailableException(unavailable);
			}
		}
		return bind(this.nodes.primary(), reason, ReadPositions.FRESH);
	}

	private Binding acquireForRead(RoutingReason reason) throws SQLException {
		return acquireForRead(reason, this.consistency.requiredReplayLsn());
	}

	private Binding acquireForRead(RoutingReason reason, long required) throws SQLException {
		if (required == ConsistencyGuard.PRIMARY_ONLY) {
			return readOnPrimaryOrWaitForReplicas(reason);
		}
		List<ReplicaCandidate> candidates = this.topology.eligibleReplicas();
		if (required >= 0 && !candidates.isEmpty()) {
			List<ReplicaCandidate> caughtUp = caughtUp(candidates, required);
			if (caughtUp.isEmpty()) {
				// The cached positions are up to a probe interval old: ask one replica.
				Binding checked = acquireCheckedReplica(reason, candidates, required, this.consistency.maxWait(),
						this.selector::select);
				return (checked != null) ? checked : readOnPrimaryOrAwaitReplica(reason, candidates, required);
			}
			candidates = caughtUp;
		}
		Binding binding = acquireFromReplica(reason, candidates);
		return (binding != null) ? binding : bindPrimaryForRead(RoutingReason.FALLBACK);
	}

	/**
	 * Serve a read that no replica can serve yet from the primary; if the primary is
	 * unavailable, wait for the most advanced replica to replay the scope's write instead
	 * (at most {@link ConsistencyGuard#maxWaitWithoutPrimary()}), so that the read neither
	 * fails while a healthy replica remains nor returns data older than the write.
	 */
	private Binding readOnPrimaryOrAwaitReplica(RoutingReason reason, List<ReplicaCandidate> candidates,
			long required) throws SQLException {
		PrimaryAttempt primary = tryPrimaryForConsistency(" and no replica has replayed this scope's last"
				+ " write within " + this.consistency.maxWaitWithoutPrimary().toMillis() + " ms");
		if (primary.binding() != null) {
			return primary.binding();
		}
		SQLException primaryFailure = primary.failure();
		List<ReplicaCandidate> mostAdvancedFirst = candidates.stream()
			.sorted(Comparator.comparingLong(ReplicaCandidate::replayLsn).reversed())
			.toList();
		Binding waited = acquireCheckedReplica(reason, mostAdvancedFirst, required,
				this.consistency.maxWaitWithoutPrimary(), (list) -> list.get(0));
		if (waited == null) {
			logger.warn("A read that must see WAL position " + Long.toHexString(required >>> 32) + "/"
					+ Long.toHexString(required & 0xFFFFFFFFL) + " failed: the primary is"
					+ " unavailable (" + primaryFailure.getMessage() + ") and no replica replayed that position within "
					+ this.consistency.maxWaitWithoutPrimary().toMillis() + " ms");
			throw primaryFailure;
		}
		return waited;
	}

	/**
	 * Serve a read that must run on the primary (sticky mode, or a write whose WAL position
	 * could not be read). If the primary is unavailable, wait until every replica in
	 * rotation has replayed the scope's write ({@link ConsistencyGuard#primaryOnlyRemaining()})
	 * and route the read again: it then neither fails while healthy replicas remain nor
	 * returns data older than the write.
	 */
	private Binding readOnPrimaryOrWaitForReplicas(RoutingReason reason) throws SQLException {
		PrimaryAttempt primary = tryPrimaryForConsistency("");
		if (primary.binding() != null) {
			return primary.binding();
		}
		SQLException primaryFailure = primary.failure();
		Duration remaining = this.consistency.primaryOnlyRemaining();
		if (remaining.compareTo(this.consistency.maxWaitWithoutPrimary()) > 0) {
			throw primaryFailure;
		}
		if (!remaining.isZero()) {
			logger.warn("The primary cannot serve a read that must see its scope's last write ("
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
		long required = this.consistency.requiredReplayLsn();
		return acquireForRead(reason, (required != ConsistencyGuard.PRIMARY_ONLY) ? required
				: ConsistencyGuard.NO_REQUIREMENT);
	}

	/**
	 * Try the primary for a read that read-your-writes sends there.
	 * @param detail appended to the message when the topology already knows the primary is
	 * unavailable
	 * @return the binding, or the failure when the primary is unavailable or
	 * failed as a node
	 * @throws SQLException if it failed otherwise
	 */
	private PrimaryAttempt tryPrimaryForConsistency(String detail) throws SQLException {
		String unavailable = this.topology.primaryUnavailableReason();
		if (unavailable != null) {
			return new PrimaryAttempt(null,
					new SQLException("The primary is unavailable (" + unavailable + ")" + detail, "08001"));
		}
		try {
			return new PrimaryAttempt(bindPrimaryForRead(RoutingReason.CONSISTENCY), null);
		}
		catch (SQLException ex) {
			if (!ConnectionFailures.isNodeFailure(ex)) {
				throw ex;
			}
			return new PrimaryAttempt(null, ex);
		}
	}

	/**
	 * Take a connection of the primary for a read. On a thread that runs a read-only
	 * transaction again because the primary failed under the last attempt
	 * ({@link RoutingThreadState#verifyPrimary}), the connection is checked first: after a
	 * crash every pooled connection is dead, and without the check each attempt would take
	 * the next one and fail again instead of turning to a replica.
	 */
	private Binding bindPrimaryForRead(RoutingReason reason) throws SQLException {
		DataSourceNode primary = this.nodes.primary();
		if (!RoutingThreadState.current().verifyPrimary) {
			return bind(primary, reason, ReadPositions.FRESH);
		}
		Connection connection = primary.dataSource().getConnection();
		SQLException failure = null;
		try {
			if (connection.isValid(VALIDATION_TIMEOUT_SECONDS)) {
				return bound(connection, primary, reason, ReadPositions.FRESH);
			}
		}
		catch (SQLException ex) {
			failure = ex;
		}
		discard(primary, connection);
		throw new SQLException("The primary did not answer a check after it failed under a read", "08006", failure);
	}

	private static void discard(DataSourceNode node, Connection connection) {
		try {
			if (node.dataSource() instanceof HikariDataSource hikari) {
				hikari.evictConnection(connection);
			}
			else {
				connection.close();
			}
		}
		catch (SQLException | RuntimeException ex) {
			logger.debug("Could not discard a broken connection of " + node.name(), ex);
		}
	}

	private @Nullable Binding acquireFromReplica(RoutingReason reason, List<ReplicaCandidate> eligible)
			throws SQLException {
		List<ReplicaCandidate> candidates = eligible;
		while (!candidates.isEmpty()) {
			ReplicaCandidate candidate = this.selector.select(candidates);
			try {
				Binding binding = bind(candidate.node(), reason, candidate.replayLsn());
				this.consistency.afterRead(candidate.replayLsn());
				return binding;
			}
			catch (SQLException ex) {
				// Nothing ran on this connection yet, so another node can serve it safely.
				failedToConnect(candidate, ex);
				candidates = without(candidates, candidate);
			}
		}
		if (this.fallback == Fallback.FAIL) {
			throw new NoEligibleReplicaException(this.topology.describeIneligibleReplicas());
		}
		return null;
	}

	private @Nullable Binding acquireCheckedReplica(RoutingReason reason, List<ReplicaCandidate> eligible,
			long required, Duration maxWait, Function<List<ReplicaCandidate>, ReplicaCandidate> choice)
			throws SQLException {
		List<ReplicaCandidate> candidates = eligible;
		while (!candidates.isEmpty()) {
			ReplicaCandidate candidate = choice.apply(candidates);
			Connection connection;
			long replayed;
			try {
				connection = candidate.node().dataSource().getConnection();
			}
			catch (SQLException ex) {
				failedToConnect(candidate, ex);
				candidates = without(candidates, candidate);
				continue;
			}
			inUse(candidate.node(), reason, connection);
			long checked = CheckedPosition.of(this.checkedPositions, candidate);
			if (checked >= required) {
				// An earlier check against this snapshot of the replica already found it there.
				this.consistency.afterRead(checked);
				return bound(connection, candidate.node(), reason, checked);
			}
			try {
				if (!connection.getAutoCommit()) {
					connection.setAutoCommit(true);
				}
				replayed = ReplayPositions.awaitReplay(connection, required, maxWait);
			}
			catch (SQLException ex) {
				released(candidate.node(), connection);
				connection.close();
				failedToConnect(candidate, ex);
				candidates = without(candidates, candidate);
				continue;
			}
			if (replayed < 0) {
				released(candidate.node(), connection);
				connection.close();
				return null;
			}
			this.checkedPositions.merge(candidate.node(), new CheckedPosition(candidate, replayed),
					CheckedPosition::newer);
			this.consistency.afterRead(replayed);
			return bound(connection, candidate.node(), reason, replayed);
		}
		return null;
	}

	/**
	 * Record that a physical connection is in use for read-only work that may run
	 * elsewhere, so that it can be aborted if its node stops answering: any connection of a
	 * replica, and a connection of the primary taken only because no replica could serve
	 * the read then (read-your-writes, or the fallback). Writes and reads pinned to the
	 * primary are never recorded: they have nowhere else to go.
	 * @param node the node the connection belongs to
	 * @param reason why the connection went to that node
	 * @param connection the physical connection
	 */
	private void inUse(DataSourceNode node, RoutingReason reason, Connection connection) {
		if (node.role() == NodeRole.REPLICA || reason == RoutingReason.CONSISTENCY
				|| reason == RoutingReason.FALLBACK) {
			this.readConnectionsInUse.computeIfAbsent(node, (key) -> ConcurrentHashMap.newKeySet()).add(connection);
		}
	}

	/**
	 * Record that a binding's connection is no longer in use: the one place where what
	 * {@link #acquire} recorded is undone.
	 * @param binding the binding
	 */
	void released(Binding binding) {
		released(binding.node(), binding.connection());
	}

	private void released(DataSourceNode node, Connection connection) {
		Set<Connection> inUse = this.readConnectionsInUse.get(node);
		if (inUse != null) {
			inUse.remove(connection);
		}
	}

	/**
	 * Abort every connection of a node in use now for read-only work that may run elsewhere
	 * ({@link Connection#abort}): called when the node stopped answering, so that statements
	 * waiting on it fail at once instead of after the socket timeout (the primary has none
	 * by default), and their read-only transactions run again elsewhere. The aborted
	 * connections are discarded by their pool. Writes are left alone.
	 * @param node the node
	 * @param executor runs the aborts
	 * @return how many connections were aborted
	 */
	public int abortConnectionsInUse(DataSourceNode node, Executor executor) {
		Set<Connection> inUse = this.readConnectionsInUse.get(node);
		if (inUse == null) {
			return 0;
		}
		int aborted = 0;
		for (Connection connection : inUse) {
			if (inUse.remove(connection)) {
				try {
					connection.abort(executor);
					aborted++;
				}
				catch (SQLException | RuntimeException ex) {
					logger.debug("Could not abort a connection of " + node.name(), ex);
				}
			}
		}
		if (aborted > 0) {
			logger.warn("Aborted " + aborted + " connection(s) in use on " + node.name()
					+ ", which stopped answering; their read-only transactions run again elsewhere");
		}
		return aborted;
	}

	private void failedToConnect(ReplicaCandidate candidate, SQLException ex) {
		this.statistics.recordConnectionRetry();
		this.topology.reportFailure(candidate.node(), ex);
		logger.warn("Could not get a connection from " + candidate.node().name() + " (" + ex.getMessage()
				+ "); trying another node");
	}

	/**
	 * Called after a connection bound to the primary for read-write work committed, or
	 * was released in auto-commit mode: lets the consistency guard record the write.
	 * @param connection the physical connection, idle
	 */
	void afterPrimaryWrite(Connection connection) {
		if (!this.consistency.queriesAfterWrite()) {
			try {
				this.consistency.afterWrite(connection);
			}
			catch (SQLException ex) {
				logger.warn("Could not record a write for read-your-writes: " + ex.getMessage());
			}
			return;
		}
		try {
			boolean autoCommit = connection.getAutoCommit();
			if (!autoCommit) {
				// Idle after commit, so switching costs no round trip and the query below
				// opens no transaction.
				connection.setAutoCommit(true);
			}
			try {
				this.consistency.afterWrite(connection);
			}
			finally {
				if (!autoCommit) {
					connection.setAutoCommit(false);
				}
			}
		}
		catch (SQLException ex) {
			logger.warn("Could not record a write for read-your-writes: " + ex.getMessage());
		}
	}

	private static List<ReplicaCandidate> caughtUp(List<ReplicaCandidate> candidates, long required) {
		List<ReplicaCandidate> caughtUp = null;
		for (int i = 0; i < candidates.size(); i++) {
			ReplicaCandidate candidate = candidates.get(i);
			boolean ok = candidate.replayLsn() >= required;
			if (caughtUp == null && !ok) {
				caughtUp = new ArrayList<>(candidates.subList(0, i));
			}
			else if (caughtUp != null && ok) {
				caughtUp.add(candidate);
			}
		}
		return (caughtUp != null) ? caughtUp : candidates;
	}

	private Binding bind(DataSourceNode node, RoutingReason reason, long position) throws SQLException {
		if (logger.isTraceEnabled()) {
			logger.trace("Routing connection to " + node.name() + " (" + reason + ")");
		}
		return bound(node.dataSource().getConnection(), node, reason, position);
	}

	/**
	 * Record a routing decision, in the one place where it is recorded: the thread's last
	 * route, the statistics, and the connections in use that may be aborted.
	 */
	private Binding bound(Connection connection, DataSourceNode node, RoutingReason reason, long position) {
		RoutingThreadState.current().bound(node, reason, position);
		this.statistics.record(node, reason);
		inUse(node, reason, connection);
		return new Binding(connection, node, reason, false);
	}

	/**
	 * Report that a node failed under a connection that was bound to it.
	 * @param node the node
	 * @param failure what failed
	 */
	void reportFailure(DataSourceNode node, Throwable failure) {
		this.topology.reportFailure(node, failure);
	}

	private static List<ReplicaCandidate> without(List<ReplicaCandidate> candidates, ReplicaCandidate failed) {
		List<ReplicaCandidate> remaining = new ArrayList<>(candidates);
		remaining.remove(failed);
		return remaining;
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
	public @Nullable PrintWriter getLogWriter() throws SQLException {
		return this.nodes.primary().dataSource().getLogWriter();
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
	public Logger getParentLogger() {
		return Logger.getLogger(Logger.GLOBAL_LOGGER_NAME);
	}

	@Override
	public String toString() {
		return "ReplicaRoutingDataSource" + this.nodes;
	}

	/**
	 * A replay position a replica answered to a live check.
	 * @param basis the snapshot of the replica the check was made against: the position
	 * counts only as long as the topology offers that same snapshot, so a replica that was
	 * probed since (or replaced) is judged on fresh data
	 * @param lsn the position
	 */
	private record CheckedPosition(ReplicaCandidate basis, long lsn) {

		static long of(Map<DataSourceNode, CheckedPosition> checked, ReplicaCandidate candidate) {
			CheckedPosition position = checked.get(candidate.node());
			return (position != null && position.basis == candidate) ? position.lsn : -1;
		}

		CheckedPosition newer(CheckedPosition other) {
			return (this.basis == other.basis && this.lsn >= other.lsn) ? this : other;
		}

	}

	/**
	 * What a connection is set to when nothing was set on it.
	 * @param isolation the transaction isolation level
	 * @param holdability the result set holdability
	 */
	record ConnectionDefaults(int isolation, int holdability) {

	}

	/**
	 * The outcome of trying the primary: a connection, or why it could not serve.
	 */
	private record PrimaryAttempt(@Nullable Binding binding, @Nullable SQLException failure) {

		@Override
		public SQLException failure() {
			return Objects.requireNonNull(this.failure);
		}

	}

}
