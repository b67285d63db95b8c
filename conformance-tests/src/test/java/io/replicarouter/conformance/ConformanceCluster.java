package io.replicarouter.conformance;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The primary and two streaming replicas that every conformance application of this JVM
 * shares. Applications keep apart by table name and by a fresh marker per test.
 */
public final class ConformanceCluster {

	private static final PostgresReplicationCluster CLUSTER = PostgresReplicationCluster.builder().replicas(2).build();

	private ConformanceCluster() {
	}

	public static synchronized PostgresReplicationCluster get() {
		return CLUSTER.start();
	}

	/**
	 * Registers {@code spring.datasource.*} and {@code replica-router.replicas[*].url}: what a
	 * user's {@code application.properties} says.
	 * @param registry the test's property registry
	 */
	public static void register(DynamicPropertyRegistry registry) {
		get().springBootProperties().forEach((name, value) -> registry.add(name, () -> value));
	}

	/**
	 * Runs DDL on the primary and waits for both replicas to replay it.
	 * @param statements the statements to run
	 */
	public static void executeOnPrimary(String... statements) {
		try (Connection connection = get().primary().connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		get().awaitReplication();
	}

	public static int primaryPort() {
		return get().primary().port();
	}

	/**
	 * Runs {@code work} while both replicas replay commits only once they are {@code delay} old, so that a read
	 * that must see an earlier write sees it only if it was routed for it. Tests of one JVM run one at a time, so
	 * the other applications never see the delay.
	 * @param delay the replay delay
	 * @param work what to run
	 */
	public static void withLaggingReplicas(Duration delay, Runnable work) {
		for (PostgresNode replica : get().replicas()) {
			replica.setReplayDelay(delay);
		}
		try {
			work.run();
		}
		finally {
			for (PostgresNode replica : get().replicas()) {
				replica.clearReplayDelay();
			}
			get().awaitReplication();
		}
	}

}
