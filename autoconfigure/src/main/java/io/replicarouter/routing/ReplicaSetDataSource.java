package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.replicarouter.WalPosition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.datasource.AbstractDataSource;

/**
 * The replicas as one {@link javax.sql.DataSource}: the target {@link ReplicaRoutingDataSource}
 * resolves for reads. It chooses among the replicas the {@link RoutingTopology} has in
 * rotation (healthy, within the lag bound), those that have replayed the position the
 * read must see (read-your-writes), with the {@link ReplicaSelector}; a replica whose pool
 * cannot give a connection is skipped and the next one tried, and reported to the topology
 * unless its pool was only busy (every connection in use until the borrow timeout). What happens when no
 * replica can serve (the primary, or failing) is the router's decision, not this one's.
 */
final class ReplicaSetDataSource extends AbstractDataSource {

	private static final Log logger = LogFactory.getLog(ReplicaSetDataSource.class);

	private final RoutingTopology topology;

	private final ReplicaSelector selector;

	private final ConnectionsInUse inUse;

	private final RoutingStatistics statistics;

	private volatile @Nullable String zone;

	/**
	 * Balancing of the groups that have their own; {@link #selector} for the others.
	 */
	private volatile Map<String, ReplicaSelector> groupSelectors = Map.of();

	/**
	 * Whether any replica is in a group other than the default: only then do reads look
	 * at groups (and pay for a list of their group's replicas).
	 */
	private final boolean grouped;

	/**
	 * Replay positions replicas answered to live checks, each valid for the snapshot of the
	 * replica it was checked against (until the monitor probes the replica again). Without
	 * them every read of a scope that read at a checked position would need another check:
	 * a checked position is newer than the probed one, and the scope never reads older data.
	 * They spare the query when the balancer picks a replica already checked; they do not
	 * narrow the choice, so reads stay spread over every eligible replica.
	 */
	private final Map<DataSourceNode, CheckedPosition> checkedPositions = new ConcurrentHashMap<>();

	ReplicaSetDataSource(RoutingTopology topology, ReplicaSelector selector, ConnectionsInUse inUse,
			RoutingStatistics statistics, boolean grouped) {
		this.topology = topology;
		this.selector = selector;
		this.inUse = inUse;
		this.statistics = statistics;
		this.grouped = grouped;
	}

	/**
	 * Give groups a balancing of their own.
	 * @param selectors the selector of each group that has its own
	 */
	void setGroupSelectors(Map<String, ReplicaSelector> selectors) {
		this.groupSelectors = Map.copyOf(selectors);
	}

	/**
	 * Return the replica group the current read asks for.
	 * @return the group
	 */
	static String currentGroup() {
		String group = ReplicaReads.group();
		return (group != null) ? group : DataSourceNode.DEFAULT_GROUP;
	}

	private ReplicaSelector selector() {
		if (this.groupSelectors.isEmpty()) {
			return this.selector;
		}
		return this.groupSelectors.getOrDefault(currentGroup(), this.selector);
	}

	/**
	 * Return a connection of an eligible replica, with no read-your-writes requirement.
	 * @throws NoEligibleReplicaException if no replica can serve
	 */
	@Override
	public Connection getConnection() throws SQLException {
		ReplicaConnection replica = acquire(WalPosition.ZERO, Duration.ZERO);
		if (replica == null) {
			throw new NoEligibleReplicaException(describeUnavailable());
		}
		return replica.connection();
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"replica-router uses the credentials configured for each node; call getConnection() instead");
	}

	/**
	 * Set the zone the application runs in: replicas of that zone serve its reads while any
	 * of them can, the others only when none can.
	 * @param zone the zone, or {@code null} for no preference
	 */
	void setZone(@Nullable String zone) {
		this.zone = zone;
	}

	@Nullable String getZone() {
		return this.zone;
	}

	/**
	 * Return whether any replica is in rotation now.
	 * @return whether one is
	 */
	boolean anyEligible() {
		return !candidates().isEmpty();
	}

	/**
	 * Say why no replica can serve a read now, with the read's own staleness bound if it
	 * has one.
	 * @return the reasons
	 */
	String describeUnavailable() {
		Duration maxLag = ReplicaReads.maxLag();
		String ineligible = this.topology.describeIneligibleReplicas();
		String group = this.grouped ? " of group '" + currentGroup() + "'" : "";
		if (maxLag == null) {
			return group.isEmpty() ? ineligible
					: "no replica" + group + " is eligible" + (ineligible.isEmpty() ? "" : "; out of rotation: " + ineligible);
		}
		return "no replica" + group + " is within this read's staleness bound (@ReplicaRead or ReplicaReads, maxLag "
				+ maxLag.toMillis() + " ms)" + (ineligible.isEmpty() ? "" : "; out of rotation: " + ineligible);
	}

	/**
	 * The replicas that may serve the current read: those in rotation, or with the read's
	 * own staleness bound ({@link ReplicaReads}), those within it.
	 */
	private List<ReplicaCandidate> candidates() {
		Duration maxLag = ReplicaReads.maxLag();
		List<ReplicaCandidate> candidates = (maxLag != null) ? this.topology.replicasWithinLag(maxLag)
				: this.topology.eligibleReplicas();
		if (!this.grouped) {
			return candidates;
		}
		String group = currentGroup();
		List<ReplicaCandidate> inGroup = new ArrayList<>(candidates.size());
		for (ReplicaCandidate candidate : candidates) {
			if (candidate.node().group().equals(group)) {
				inGroup.add(candidate);
			}
		}
		return inGroup;
	}

	/**
	 * Take a connection of an eligible replica that has replayed the required position, as
	 * far as the last probes tell; when none has by then, ask one replica, waiting at most
	 * {@code maxWait} for it to get there.
	 * @param required the position the read must see, {@link WalPosition#ZERO} for none
	 * @param maxWait how long a live check may wait
	 * @return the connection, or {@code null} when no replica can serve the read
	 */
	@Nullable ReplicaConnection acquire(WalPosition required, Duration maxWait) {
		List<ReplicaCandidate> candidates = candidates();
		if (candidates.isEmpty()) {
			return null;
		}
		if (!required.equals(WalPosition.ZERO)) {
			List<ReplicaCandidate> caughtUp = caughtUp(candidates, required);
			if (caughtUp.isEmpty()) {
				// The probed positions are up to a probe interval old: ask one replica.
				return acquireChecked(candidates, required, maxWait, selector()::select);
			}
			candidates = caughtUp;
		}
		while (!candidates.isEmpty()) {
			ReplicaCandidate candidate = selector().select(inZone(candidates));
			try {
				return new ReplicaConnection(candidate.node().dataSource().getConnection(), candidate.node(),
						candidate.replayPosition());
			}
			catch (SQLException ex) {
				// Nothing ran on this connection yet, so another node can serve it safely.
				failedToConnect(candidate, ex);
				candidates = without(candidates, candidate);
			}
		}
		return null;
	}

	/**
	 * Wait for the most advanced replica to replay the required position, at most
	 * {@code maxWait}: the way to serve a read that must see a write when the primary,
	 * which would otherwise serve it, is unavailable.
	 * @param required the position the read must see
	 * @param maxWait how long to wait
	 * @return the connection, or {@code null} when no replica got there in time
	 */
	@Nullable ReplicaConnection awaitMostAdvanced(WalPosition required, Duration maxWait) {
		List<ReplicaCandidate> mostAdvancedFirst = candidates().stream()
			.sorted(Comparator.comparing(ReplicaCandidate::replayPosition).reversed())
			.toList();
		return acquireChecked(mostAdvancedFirst, required, maxWait, (list) -> list.get(0));
	}

	private @Nullable ReplicaConnection acquireChecked(List<ReplicaCandidate> eligible, WalPosition required,
			Duration maxWait, Function<List<ReplicaCandidate>, ReplicaCandidate> choice) {
		List<ReplicaCandidate> candidates = eligible;
		while (!candidates.isEmpty()) {
			ReplicaCandidate candidate = choice.apply(inZone(candidates));
			DataSourceNode node = candidate.node();
			Connection connection;
			try {
				connection = node.dataSource().getConnection();
			}
			catch (SQLException ex) {
				failedToConnect(candidate, ex);
				candidates = without(candidates, candidate);
				continue;
			}
			WalPosition checked = CheckedPosition.of(this.checkedPositions, candidate);
			if (checked.isAtLeast(required)) {
				// An earlier check against this snapshot of the replica already found it there.
				return new ReplicaConnection(connection, node, checked);
			}
			// Registered while it waits, so that it is aborted if the replica stops answering.
			this.inUse.add(node, RoutingReason.CONSISTENCY, connection);
			WalPosition replayed;
			try {
				if (!connection.getAutoCommit()) {
					connection.setAutoCommit(true);
				}
				replayed = ReplayPositions.awaitReplay(connection, required, maxWait);
			}
			catch (SQLException ex) {
				giveBack(node, connection);
				failedToConnect(candidate, ex);
				candidates = without(candidates, candidate);
				continue;
			}
			if (replayed == null) {
				giveBack(node, connection);
				return null;
			}
			this.checkedPositions.merge(node, new CheckedPosition(candidate, replayed), CheckedPosition::newer);
			// The binding registers it again, for the read itself.
			this.inUse.remove(node, RoutingReason.CONSISTENCY, connection);
			return new ReplicaConnection(connection, node, replayed);
		}
		return null;
	}

	private void giveBack(DataSourceNode node, Connection connection) {
		this.inUse.remove(node, RoutingReason.CONSISTENCY, connection);
		try {
			connection.close();
		}
		catch (SQLException ex) {
			logger.debug("Could not return a connection of " + node.name() + " to its pool", ex);
		}
	}

	private void failedToConnect(ReplicaCandidate candidate, SQLException ex) {
		this.statistics.recordConnectionRetry();
		if (ConnectionFailures.isPoolBusy(ex)) {
			// Every connection of its pool is in use: the replica is busy, not down. Skip it
			// for this read only; reporting it would take it out of rotation and move its
			// load onto the others, which would saturate in turn (a cascade onto the primary).
			this.statistics.recordBusySkip();
			if (logger.isDebugEnabled()) {
				logger.debug("The pool of " + candidate.node().name() + " is busy (" + ex.getMessage()
						+ "); trying another node");
			}
			return;
		}
		this.topology.reportFailure(candidate.node(), ex);
		logger.warn("Could not get a connection from " + candidate.node().name() + " (" + ex.getMessage()
				+ "); trying another node");
	}

	/**
	 * Narrow the candidates to those of the application's zone, if any of them is one.
	 */
	private List<ReplicaCandidate> inZone(List<ReplicaCandidate> candidates) {
		String local = this.zone;
		if (local == null) {
			return candidates;
		}
		List<ReplicaCandidate> same = null;
		for (int i = 0; i < candidates.size(); i++) {
			ReplicaCandidate candidate = candidates.get(i);
			boolean inZone = local.equals(candidate.node().zone());
			if (same == null && !inZone) {
				same = new ArrayList<>(candidates.subList(0, i));
			}
			else if (same != null && inZone) {
				same.add(candidate);
			}
		}
		return (same == null) ? candidates : (same.isEmpty() ? candidates : same);
	}

	private static List<ReplicaCandidate> caughtUp(List<ReplicaCandidate> candidates, WalPosition required) {
		List<ReplicaCandidate> caughtUp = null;
		for (int i = 0; i < candidates.size(); i++) {
			ReplicaCandidate candidate = candidates.get(i);
			boolean ok = candidate.replayPosition().isAtLeast(required);
			if (caughtUp == null && !ok) {
				caughtUp = new ArrayList<>(candidates.subList(0, i));
			}
			else if (caughtUp != null && ok) {
				caughtUp.add(candidate);
			}
		}
		return (caughtUp != null) ? caughtUp : candidates;
	}

	private static List<ReplicaCandidate> without(List<ReplicaCandidate> candidates, ReplicaCandidate failed) {
		List<ReplicaCandidate> remaining = new ArrayList<>(candidates);
		remaining.remove(failed);
		return remaining;
	}

	@Override
	public String toString() {
		return "ReplicaSetDataSource[" + this.topology.eligibleReplicas().size() + " eligible]";
	}

	/**
	 * A connection of a replica, with the position of the data it reads.
	 * @param connection the physical connection
	 * @param node the replica
	 * @param position what the replica had replayed, as far as known
	 */
	record ReplicaConnection(Connection connection, DataSourceNode node, WalPosition position) {

	}

	/**
	 * A replay position a replica answered to a live check.
	 * @param basis the snapshot of the replica the check was made against: the position
	 * counts only as long as the topology offers that same snapshot, so a replica that was
	 * probed since (or replaced) is judged on fresh data
	 * @param position the position
	 */
	private record CheckedPosition(ReplicaCandidate basis, WalPosition position) {

		static WalPosition of(Map<DataSourceNode, CheckedPosition> checked, ReplicaCandidate candidate) {
			CheckedPosition position = checked.get(candidate.node());
			return (position != null && position.basis == candidate) ? position.position : WalPosition.UNKNOWN;
		}

		CheckedPosition newer(CheckedPosition other) {
			return (this.basis == other.basis && this.position.isAtLeast(other.position)) ? this : other;
		}

	}

}
