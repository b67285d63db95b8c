package io.replicarouter.routing;

import java.time.Duration;

import io.replicarouter.WalPosition;

/**
 * A replica that may serve the next read-only transaction, with what is known of it at
 * the last probe. Instances come from a {@link RoutingTopology} snapshot and are safe to
 * keep only for the current decision.
 */
public interface ReplicaCandidate {

	/**
	 * Return the replica.
	 * @return the node
	 */
	DataSourceNode node();

	/**
	 * Return how far the replica's replay was behind the primary at the last probe.
	 * @return the lag, {@link Duration#ZERO} when caught up or not yet probed
	 */
	Duration lag();

	/**
	 * Return how many bytes of WAL the replica had still to replay at the last probe.
	 * @return the lag in bytes, 0 when caught up or not yet probed
	 */
	long lagBytes();

	/**
	 * Return the replay position of the replica at the last probe.
	 * @return the position, {@link WalPosition#UNKNOWN} when not known
	 */
	WalPosition replayPosition();

	/**
	 * Return how many connections of the replica's pool are in use now. Read live from the
	 * pool, without I/O.
	 * @return the active connections, 0 when unknown
	 */
	int activeConnections();

}
