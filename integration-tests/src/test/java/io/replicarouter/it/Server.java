package io.replicarouter.it;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;

/**
 * What a server said about itself from inside a transaction.
 * @param port {@code inet_server_port()}
 * @param inRecovery {@code pg_is_in_recovery()}
 */
public record Server(int port, boolean inRecovery) {

	public static final String QUERY = "select inet_server_port() as port, pg_is_in_recovery() as in_recovery";

	/**
	 * Make reads and count them by the node that answered.
	 * @param cluster the cluster the nodes belong to
	 * @param reads how many
	 * @param read one read
	 * @return how many reads each node answered, by name
	 */
	public static Map<String, Integer> servedBy(PostgresReplicationCluster cluster, int reads, Supplier<Server> read) {
		Map<String, Integer> served = new TreeMap<>();
		for (int i = 0; i < reads; i++) {
			served.merge(read.get().nodeName(cluster), 1, Integer::sum);
		}
		return served;
	}

	public String nodeName(PostgresReplicationCluster cluster) {
		return cluster.nodes()
			.stream()
			.filter((node) -> node.port() == this.port)
			.map(PostgresNode::name)
			.findFirst()
			.orElse("unknown:" + this.port);
	}

}
