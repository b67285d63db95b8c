package io.replicarouter.benchmarks;

import io.replicarouter.benchmarks.stub.StubDriver;
import io.replicarouter.test.PostgresReplicationCluster;

/**
 * Where the layers under test connect: a primary and one replica.
 *
 * @param primaryUrl the primary's JDBC URL
 * @param replicaUrl the replica's JDBC URL
 * @param username login user
 * @param password login password
 * @param driverClassName the JDBC driver
 */
public record Nodes(String primaryUrl, String replicaUrl, String username, String password, String driverClassName) {

	static final String PRIMARY_URL = "bench.primary-url";

	static final String REPLICA_URL = "bench.replica-url";

	static final String USERNAME = "bench.username";

	static final String PASSWORD = "bench.password";

	/**
	 * Return nodes served by {@link StubDriver}: no I/O.
	 * @return the stub nodes
	 */
	public static Nodes stub() {
		return new Nodes(StubDriver.URL_PREFIX + "primary/bench", StubDriver.URL_PREFIX + "replica-1/bench", "bench",
				"bench", StubDriver.class.getName());
	}

	/**
	 * Return the primary and first replica of a running cluster.
	 * @param cluster the cluster
	 * @return its nodes
	 */
	public static Nodes of(PostgresReplicationCluster cluster) {
		return new Nodes(cluster.primary().jdbcUrl(), cluster.replica(0).jdbcUrl(), cluster.username(),
				cluster.password(), org.postgresql.Driver.class.getName());
	}

	/**
	 * Return the nodes a parent process passed in system properties, if it did.
	 * @return the nodes, or {@code null}
	 */
	static Nodes fromSystemProperties() {
		String primary = System.getProperty(PRIMARY_URL);
		if (primary == null) {
			return null;
		}
		return new Nodes(primary, System.getProperty(REPLICA_URL), System.getProperty(USERNAME),
				System.getProperty(PASSWORD), org.postgresql.Driver.class.getName());
	}

	/**
	 * Return JVM options that pass these nodes to a forked benchmark JVM.
	 * @return {@code -D} options
	 */
	String[] asJvmOptions() {
		return new String[] { "-D" + PRIMARY_URL + "=" + this.primaryUrl, "-D" + REPLICA_URL + "=" + this.replicaUrl,
				"-D" + USERNAME + "=" + this.username, "-D" + PASSWORD + "=" + this.password };
	}

}
