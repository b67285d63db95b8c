package io.replicarouter.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.replicarouter.test.ReplicationCluster.Backend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The backend choice of {@link ReplicationCluster#builder()}, without starting any cluster.
 */
class ReplicationClusterTests {

	@Test
	void embeddedBackendBuildsAPostgresReplicationCluster() {
		ReplicationCluster cluster = ReplicationCluster.builder()
			.backend(Backend.EMBEDDED)
			.replicas(1)
			.username("app")
			.password("pw")
			.database("appdb")
			.build();
		assertThat(cluster).isInstanceOf(PostgresReplicationCluster.class);
		assertThat(cluster.username()).isEqualTo("app");
		assertThat(cluster.password()).isEqualTo("pw");
		assertThat(cluster.database()).isEqualTo("appdb");
		assertThat(cluster.isStarted()).isFalse();
		cluster.close();
	}

	@Test
	void testcontainersBackendBuildsAContainerReplicationClusterWithoutContactingDocker() {
		ReplicationCluster cluster = ReplicationCluster.builder()
			.backend(Backend.TESTCONTAINERS)
			.replicas(3)
			.image("postgres:16-alpine")
			.startupTimeout(Duration.ofSeconds(90))
			.build();
		assertThat(cluster).isInstanceOfSatisfying(ContainerReplicationCluster.class, (containers) -> {
			assertThat(containers.image()).isEqualTo("postgres:16-alpine");
			assertThat(containers.toString()).contains("replicas=3");
		});
		cluster.close();
	}

	@Test
	void explicitBackendsResolveToThemselves() {
		assertThat(Backend.EMBEDDED.resolve()).isEqualTo(Backend.EMBEDDED);
		assertThat(Backend.TESTCONTAINERS.resolve()).isEqualTo(Backend.TESTCONTAINERS);
	}

	@Test
	void autoChoosesTestcontainersExactlyWhenDockerIsAvailableAndAnswersQuickly() {
		long started = System.nanoTime();
		Backend resolved = Backend.AUTO.resolve();
		Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
		assertThat(resolved).isEqualTo(DockerSupport.isDockerAvailable() ? Backend.TESTCONTAINERS : Backend.EMBEDDED);
		if (!DockerSupport.anyDockerHint()) {
			assertThat(resolved).isEqualTo(Backend.EMBEDDED);
			assertThat(elapsed).isLessThan(Duration.ofSeconds(5));
		}
	}

	@Test
	void testcontainersIsFoundOnTheTestClassPath() {
		assertThat(DockerSupport.isTestcontainersPresent()).isTrue();
		assertThat(DockerSupport.candidateFiles()).anySatisfy(
				(file) -> assertThat(file).hasToString("/var/run/docker.sock"));
	}

	@Test
	void bothBackendsShareTheInterfaces() {
		assertThat(ReplicationCluster.class).isAssignableFrom(PostgresReplicationCluster.class)
			.isAssignableFrom(ContainerReplicationCluster.class);
		assertThat(ReplicationNode.class).isAssignableFrom(PostgresNode.class).isAssignableFrom(ContainerNode.class);
	}

}
