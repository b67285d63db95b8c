package io.replicarouter.sample;

import java.util.ArrayList;
import java.util.List;

import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;

import org.springframework.boot.SpringApplication;

/**
 * Runs the sample on an embedded primary and two streaming replicas, with no database to
 * install: {@code ./mvnw -pl sample-app spring-boot:test-run}. Ctrl-C stops the
 * application and the servers.
 */
public final class TestSampleApplication {

	private TestSampleApplication() {
	}

	public static void main(String[] args) {
		PostgresReplicationCluster cluster = PostgresReplicationCluster.builder().replicas(2).build().start();
		Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "replica-router-sample-cluster"));
		List<String> arguments = new ArrayList<>(List.of(args));
		arguments.addAll(clusterArguments(cluster));
		System.out.println("Started PostgreSQL: " + describe(cluster));
		SpringApplication.from(SampleApplication::main).run(arguments.toArray(String[]::new));
	}

	static List<String> clusterArguments(PostgresReplicationCluster cluster) {
		List<String> arguments = new ArrayList<>();
		arguments.add("--spring.datasource.url=" + cluster.primary().jdbcUrl());
		arguments.add("--spring.datasource.username=" + cluster.username());
		arguments.add("--spring.datasource.password=" + cluster.password());
		for (int i = 0; i < cluster.replicas().size(); i++) {
			arguments.add("--replica-router.replicas[" + i + "].url=" + cluster.replica(i).jdbcUrl());
		}
		return arguments;
	}

	private static String describe(PostgresReplicationCluster cluster) {
		StringBuilder description = new StringBuilder();
		for (PostgresNode node : cluster.nodes()) {
			description.append(System.lineSeparator()).append("  ").append(node.name()).append(": ").append(node.jdbcUrl());
		}
		return description.toString();
	}

}
