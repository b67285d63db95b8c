package io.replicarouter.it;

import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;

/**
 * What a server said about itself from inside a transaction.
 * @param port {@code inet_server_port()}
 * @param inRecovery {@code pg_is_in_recovery()}
 */
public record Server(int port, boolean inRecovery) {

	public static final String QUERY = "select inet_server_port() as port, pg_is_in_recovery() as in_recovery";

	public String nodeName(PostgresReplicationCluster cluster) {
		return cluster.nodes()
			.stream()
			.filter((node) -> node.port() == this.port)
			.map(PostgresNode::name)
			.findFirst()
			.orElse("unknown:" + this.port);
	}

}
