package io.replicarouter.routing;

import java.sql.Connection;

import org.jspecify.annotations.Nullable;

/**
 * A connection handed out by {@link ReplicaRoutingDataSource}. Reach it with
 * {@code connection.unwrap(RoutedConnection.class)}; doing so does not bind the
 * connection to a node.
 */
public interface RoutedConnection extends Connection {

	/**
	 * Return the node this connection is bound to, or was bound to for its last
	 * transaction (a handle is bound for one transaction, or one run of work in
	 * auto-commit mode, at a time).
	 * @return the node, or {@code null} while no statement has run yet
	 */
	@Nullable DataSourceNode node();

	/**
	 * Return why the connection was bound to its node, or to its last one.
	 * @return the reason, or {@code null} while no statement has run yet
	 */
	@Nullable RoutingReason reason();

}
