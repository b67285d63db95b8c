package io.replicarouter.test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Servers and files left behind by a JVM that died without running its shutdown hooks are removed.
 */
class AbandonedClusterIT {

	@Test
	void clusterOfADeadJvmIsStoppedAndDeleted(@TempDir Path base) throws Exception {
		try (PostgresReplicationCluster cluster = PostgresReplicationCluster.builder()
			.replicas(1)
			.baseDirectory(base)
			.build()
			.start()) {
			Path directory = cluster.directory();
			assertThat(directory.getParent()).isEqualTo(base);
			List<Long> pids = new ArrayList<>();
			List<String> sharedMemory = new ArrayList<>();
			for (PostgresNode node : cluster.nodes()) {
				pids.add(node.postmasterPid());
				pids.addAll(Processes.descendants(node.postmasterPid()));
				sharedMemory.add(Processes.sharedMemoryId(node.dataDirectory()));
			}
			cluster.replica(0).pause();
			// Pretend the owner was a JVM that has ended: a process that has exited.
			Process ended = new ProcessBuilder("true").start();
			ended.waitFor();
			Files.writeString(directory.resolve("owner"), Long.toString(ended.pid()), StandardCharsets.UTF_8);

			ClusterDirectories.sweep(base);

			assertThat(pids).noneMatch(Processes::isAlive);
			assertThat(directory).doesNotExist();
			assertThat(Processes.sharedMemoryIds()).doesNotContainAnyElementsOf(sharedMemory);
			assertThat(cluster.primary().isRunning()).isFalse();
		}
	}

	@Test
	void clustersOfLiveJvmsAreLeftAlone(@TempDir Path base) throws Exception {
		try (PostgresReplicationCluster cluster = PostgresReplicationCluster.builder()
			.replicas(0)
			.baseDirectory(base)
			.build()
			.start()) {
			ClusterDirectories.sweep(base);
			assertThat(cluster.directory()).isDirectory();
			assertThat(cluster.primary().isRunning()).isTrue();
		}
	}

}
