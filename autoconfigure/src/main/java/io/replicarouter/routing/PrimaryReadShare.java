package io.replicarouter.routing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * The primary's share of the read-only transactions, when it takes part in the read
 * rotation ({@code replica-router.primary.read-weight}). Immutable.
 * <p>
 * While the servers are equally busy (for example, none has a transaction in flight), a
 * read goes to the primary with the probability
 * {@code weight / (weight + the weights of the replicas in rotation)}, so that servers of
 * equal size carry equal shares, and the primary's share grows as replicas leave rotation.
 * Under load each read goes where fewer transactions are in flight for each unit of
 * weight: to the primary when it has fewer than every replica in rotation, never when it
 * has more than any of them. The primary carries every write as well, so under load it is
 * often the busier server; a read that queued there would leave the replicas idle.
 * <p>
 * The share never comes at the writes' expense: a read goes to the replicas when the
 * primary's pool has no idle connection (the read would wait where writes wait), and its
 * turn is one of the fallback's ({@code fallback-max-concurrency}, checked by the caller),
 * so that reads never hold more of the primary's pool than the fallback could.
 */
final class PrimaryReadShare {

	/**
	 * The primary serves no share of the reads (the default).
	 */
	static final PrimaryReadShare NONE = new PrimaryReadShare(0);

	private static final int UNKNOWN = -1;

	private static final int NO_IDLE_CONNECTION = -2;

	private final int weight;

	/**
	 * Create a share.
	 * @param weight the primary's weight, 0 for none
	 */
	PrimaryReadShare(int weight) {
		if (weight < 0) {
			throw new IllegalArgumentException("The primary's read weight must be 0 or more, was " + weight);
		}
		this.weight = weight;
	}

	int weight() {
		return this.weight;
	}

	/**
	 * Decide whether a read goes to the primary. With no replica in rotation it does not:
	 * the fallback decides for such reads.
	 * @param primary the primary's pool
	 * @param eligible the replicas in rotation
	 * @return whether the primary takes this read
	 */
	boolean takes(DataSource primary, List<ReplicaCandidate> eligible) {
		if (this.weight == 0 || eligible.isEmpty()) {
			return false;
		}
		int inUse = inUse(primary);
		if (inUse == NO_IDLE_CONNECTION) {
			return false;
		}
		boolean lessBusyThanEvery = inUse != UNKNOWN;
		int replicaWeights = 0;
		for (ReplicaCandidate candidate : eligible) {
			int replicaWeight = candidate.node().weight();
			replicaWeights += replicaWeight;
			if (inUse != UNKNOWN) {
				// in use per unit of weight, compared without dividing
				long primaryLoad = (long) inUse * replicaWeight;
				long replicaLoad = (long) candidate.activeConnections() * this.weight;
				if (primaryLoad > replicaLoad) {
					return false;
				}
				lessBusyThanEvery &= primaryLoad < replicaLoad;
			}
		}
		return lessBusyThanEvery || ThreadLocalRandom.current().nextInt(this.weight + replicaWeights) < this.weight;
	}

	/**
	 * Return the connections in use in the primary's pool, {@link #NO_IDLE_CONNECTION} when
	 * none is idle, or {@link #UNKNOWN} when the pool does not tell (not Hikari, or a Hikari
	 * pool that has not started yet: it starts on its first borrow).
	 */
	private static int inUse(DataSource dataSource) {
		if (!(dataSource instanceof HikariDataSource hikari)) {
			return UNKNOWN;
		}
		HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
		if (pool == null) {
			return UNKNOWN;
		}
		return (pool.getIdleConnections() > 0) ? pool.getActiveConnections() : NO_IDLE_CONNECTION;
	}

}
