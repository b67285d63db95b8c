package io.replicarouter.routing;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * The primary's share of the read-only transactions, when it takes part in the read
 * rotation ({@code replica-router.primary.read-weight}): a read goes to the primary with
 * the probability {@code weight / (weight + the weights of the replicas in rotation)}, so
 * that servers of equal size carry equal shares, and the primary's share grows as replicas
 * leave rotation. Immutable.
 * <p>
 * The share never comes at the writes' expense: a read drawn for the primary goes to the
 * replicas instead when the primary's pool has no idle connection (the read would wait
 * where writes wait), and its turn is one of the fallback's
 * ({@code fallback-max-concurrency}), so that reads never hold more of the primary's pool
 * than the fallback could.
 */
final class PrimaryReadShare {

	/**
	 * The primary serves no share of the reads (the default).
	 */
	static final PrimaryReadShare NONE = new PrimaryReadShare(0);

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
	 * Draw whether a read goes to the primary. With no replica in rotation it does not:
	 * the fallback decides for such reads.
	 * @param eligible the replicas in rotation
	 * @return whether the primary takes this read
	 */
	boolean draw(List<ReplicaCandidate> eligible) {
		if (this.weight == 0 || eligible.isEmpty()) {
			return false;
		}
		int replicas = 0;
		for (ReplicaCandidate candidate : eligible) {
			replicas += candidate.node().weight();
		}
		return ThreadLocalRandom.current().nextInt(this.weight + replicas) < this.weight;
	}

	/**
	 * Return whether a pool has a connection nobody uses now, as far as it tells. A Hikari
	 * pool that has not started yet (it starts on its first borrow) counts as having one.
	 * @param dataSource the primary's pool
	 * @return whether a read would not wait for a connection there
	 */
	static boolean hasIdleConnection(DataSource dataSource) {
		if (dataSource instanceof HikariDataSource hikari) {
			HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
			return pool == null || pool.getIdleConnections() > 0;
		}
		return true;
	}

}
