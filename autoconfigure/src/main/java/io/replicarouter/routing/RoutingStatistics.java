package io.replicarouter.routing;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * How many connections the router bound to each node, for each reason, and how often it
 * had to try again elsewhere. Counting costs one uncontended add per connection.
 */
public final class RoutingStatistics {

	private static final RoutingReason[] REASONS = RoutingReason.values();

	/**
	 * Replaced, never modified, when replicas join: reads of the hot path take no lock.
	 */
	private volatile Map<DataSourceNode, LongAdder[]> counts = new IdentityHashMap<>();

	private final LongAdder connectionRetries = new LongAdder();

	private final LongAdder transactionRetries = new LongAdder();

	private final LongAdder fallbacksRefused = new LongAdder();

	private final LongAdder writeRetries = new LongAdder();
	private final LongAdder busySkips = new LongAdder();

	/**
	 * Create statistics for the given nodes.
	 * @param nodes the nodes
	 */
	public RoutingStatistics(DatabaseNodes nodes) {
		Map<DataSourceNode, LongAdder[]> counts = new IdentityHashMap<>();
		for (DataSourceNode node : nodes.all()) {
			counts.put(node, adders());
		}
		this.counts = counts;
		nodes.addMembershipListener(new DatabaseNodes.MembershipListener() {

			@Override
			public void nodeAdded(DataSourceNode replica) {
				update((copy) -> copy.put(replica, adders()));
			}

			@Override
			public void nodeRemoved(DataSourceNode replica) {
				update((copy) -> copy.remove(replica));
			}

		});
	}

	private synchronized void update(Consumer<Map<DataSourceNode, LongAdder[]>> change) {
		Map<DataSourceNode, LongAdder[]> copy = new IdentityHashMap<>(this.counts);
		change.accept(copy);
		this.counts = copy;
	}

	private static LongAdder[] adders() {
		LongAdder[] adders = new LongAdder[REASONS.length];
		for (int i = 0; i < adders.length; i++) {
			adders[i] = new LongAdder();
		}
		return adders;
	}

	void record(DataSourceNode node, RoutingReason reason) {
		LongAdder[] adders = this.counts.get(node);
		if (adders != null) {
			adders[reason.ordinal()].increment();
		}
	}

	void recordConnectionRetry() {
		this.connectionRetries.increment();
	}

	void recordBusySkip() {
		this.busySkips.increment();
	}

	/**
	 * Record that a read-only transaction was run again after its replica failed.
	 */
	public void recordTransactionRetry() {
		this.transactionRetries.increment();
	}

	void recordFallbackRefused() {
		this.fallbacksRefused.increment();
	}

	/**
	 * Record that a read-write transaction was run again after it could not get the
	 * primary.
	 */
	public void recordWriteRetry() {
		this.writeRetries.increment();
	}

	/**
	 * Return how many reads failed fast because the limit of fallback reads on the primary
	 * was reached.
	 * @return the count
	 */
	public long fallbacksRefused() {
		return this.fallbacksRefused.sum();
	}

	/**
	 * Return how many read-write transactions were run again after they could not get the
	 * primary.
	 * @return the count
	 */
	public long writeRetries() {
		return this.writeRetries.sum();
	}

	/**
	 * Return how many connections were bound to a node for a reason.
	 * @param node the node
	 * @param reason the reason
	 * @return the count
	 */
	public long count(DataSourceNode node, RoutingReason reason) {
		LongAdder[] adders = this.counts.get(node);
		return (adders != null) ? adders[reason.ordinal()].sum() : 0;
	}

	/**
	 * Return how many times a connection was taken from another node because the chosen
	 * replica could not give one.
	 * @return the count
	 */
	public long connectionRetries() {
		return this.connectionRetries.sum();
	}

	/**
	 * Return how many times a replica was skipped for one read because its pool had no
	 * connection free within the borrow timeout (busy, not down: it stayed in rotation).
	 * Each also counts as a {@link #connectionRetries() connection retry}.
	 * @return the count
	 */
	public long busySkips() {
		return this.busySkips.sum();
	}

	/**
	 * Return how many times a read-only transaction was run again because its replica
	 * failed under it.
	 * @return the count
	 */
	public long transactionRetries() {
		return this.transactionRetries.sum();
	}

}
