package io.replicarouter.it;

import io.replicarouter.test.PostgresReplicationCluster;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The primary and two replicas shared by the routing integration tests of this JVM. Tests
 * that inject faults start clusters of their own.
 */
public final class RoutingTestCluster {

	/**
	 * A password distinctive enough to search logs and messages for.
	 */
	public static final String PASSWORD = "rr-It-Secret-5c1d";

	private static final PostgresReplicationCluster CLUSTER = PostgresReplicationCluster.builder()
		.replicas(2)
		.password(PASSWORD)
		.build();

	private RoutingTestCluster() {
	}

	public static synchronized PostgresReplicationCluster get() {
		return CLUSTER.start();
	}

	public static void register(DynamicPropertyRegistry registry) {
		get().springBootProperties().forEach((name, value) -> registry.add(name, () -> value));
	}

}
