package io.replicarouter.it.badinput;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.replicarouter.replica.NodesUnavailableAtStartupException;
import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.test.PostgresReplicationCluster;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What the application does at startup with a node that is unreachable, refuses the
 * credentials or is the primary under another name: a warning naming the property and
 * the node out of rotation (it joins once healthy), or with
 * {@code replica-router.fail-fast=true} a startup failure naming each node and property.
 * Messages never carry a password.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupNodeCheckIT {

	private static final String PASSWORD = "startup-Secret-2718";

	private static final String WRONG_PASSWORD = "wrong-Startup-Secret-3141";

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension
		.of(PostgresReplicationCluster.builder().replicas(2).password(PASSWORD));

	private static final String[] QUICK_PROBES = { "replica-router.health.probe-interval=200ms",
			"replica-router.health.max-backoff=1s", "replica-router.timeouts.borrow=500ms",
			"replica-router.timeouts.connect=1s" };

	@AfterEach
	void heal() {
		extension.cluster().heal();
	}

	@Test
	void unreachableReplicaIsDownAtStartupAndJoinsWhenItComesUp(CapturedOutput output) {
		PostgresReplicationCluster cluster = extension.cluster();
		RouterTestApplication.createTables(cluster);
		cluster.replica(1).stop();
		try (ConfigurableApplicationContext context = RouterTestApplication.start(cluster, QUICK_PROBES)) {
			ReplicaHealthMonitor monitor = context.getBean(ReplicaHealthMonitor.class);
			assertThat(monitor.health("replica-2").state()).isEqualTo(NodeState.DOWN);
			Health health = context.getBean("replicationHealthIndicator", HealthIndicator.class).health(true);
			assertThat(health.getStatus().getCode()).isEqualTo("DEGRADED");
			assertThat(((Map<?, ?>) ((Map<?, ?>) health.getDetails().get("replicas")).get("replica-2")).get("state"))
				.isEqualTo("down");
			assertThat(output.getOut()).contains("replica-router.replicas[1].url")
				.contains("replica-2 (" + cluster.replica(1).jdbcUrl())
				.contains("is unreachable at startup")
				.contains("replica-router.fail-fast=false");
			Queries queries = context.getBean(Queries.class);
			for (int i = 0; i < 10; i++) {
				assertThat(queries.readOnly().port()).isEqualTo(cluster.replica(0).port());
			}
			cluster.replica(1).start();
			awaitState(monitor, "replica-2", NodeState.UP, Duration.ofSeconds(30));
			Set<Integer> ports = new HashSet<>();
			for (int i = 0; i < 10; i++) {
				ports.add(queries.readOnly().port());
			}
			assertThat(ports).containsExactlyInAnyOrder(cluster.replica(0).port(), cluster.replica(1).port());
		}
		assertThat(output.getAll()).doesNotContain(PASSWORD);
	}

	@Test
	void failFastStopsStartupNamingTheUnreachableReplica(CapturedOutput output) {
		PostgresReplicationCluster cluster = extension.cluster();
		cluster.replica(1).stop();
		Throwable failure = catchThrowable(() -> RouterTestApplication.start(cluster,
				concat(QUICK_PROBES, "replica-router.fail-fast=true")).close());
		assertThat(rootCause(failure)).isInstanceOf(NodesUnavailableAtStartupException.class)
			.hasMessageContaining("replica-router.fail-fast=true")
			.hasMessageContaining("replica-2 (" + cluster.replica(1).jdbcUrl() + ")")
			.hasMessageContaining("is unreachable at startup")
			.hasMessageContaining("replica-router.replicas[1].url")
			.hasMessageNotContaining("replica-1 (");
		assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
			.contains("set replica-router.fail-fast=false")
			.doesNotContain(PASSWORD);
	}

	@Test
	void wrongReplicaPasswordIsAWarningOrWithFailFastAStartupError(CapturedOutput output) {
		PostgresReplicationCluster cluster = extension.cluster();
		try (ConfigurableApplicationContext context = RouterTestApplication.start(cluster,
				concat(QUICK_PROBES, "replica-router.replicas[1].password=" + WRONG_PASSWORD))) {
			assertThat(context.getBean(ReplicaHealthMonitor.class).health("replica-2").state())
				.isEqualTo(NodeState.DOWN);
			assertThat(output.getOut()).contains("replica-2 (" + cluster.replica(1).jdbcUrl() + ") refused the credentials")
				.contains("Check replica-router.replicas[1].username and replica-router.replicas[1].password");
		}
		Throwable failure = catchThrowable(() -> RouterTestApplication.start(cluster, concat(QUICK_PROBES,
				"replica-router.replicas[1].password=" + WRONG_PASSWORD, "replica-router.fail-fast=true")).close());
		assertThat(rootCause(failure)).isInstanceOf(NodesUnavailableAtStartupException.class)
			.hasMessageContaining("refused the credentials")
			.hasMessageContaining("replica-router.replicas[1].password");
		assertThat(output.getAll()).doesNotContain(WRONG_PASSWORD).doesNotContain(PASSWORD);
	}

	@Test
	void failFastCoversThePrimary(CapturedOutput output) {
		PostgresReplicationCluster cluster = extension.cluster();
		Throwable failure = catchThrowable(() -> RouterTestApplication.start(cluster, concat(QUICK_PROBES,
				"spring.datasource.password=" + WRONG_PASSWORD, "replica-router.replicas[0].password=" + PASSWORD,
				"replica-router.replicas[1].password=" + PASSWORD, "replica-router.fail-fast=true")).close());
		assertThat(rootCause(failure)).isInstanceOf(NodesUnavailableAtStartupException.class)
			.hasMessageContaining("primary (" + cluster.primary().jdbcUrl() + ") refused the credentials")
			.hasMessageContaining("spring.datasource.password")
			.hasMessageNotContaining("replica-1 (");
		assertThat(output.getAll()).doesNotContain(WRONG_PASSWORD).doesNotContain(PASSWORD);
	}

	@Test
	void replicaUrlThatReachesThePrimaryUnderAnotherNameNeverServesReads(CapturedOutput output) {
		PostgresReplicationCluster cluster = extension.cluster();
		String primaryByName = "jdbc:postgresql://localhost:" + cluster.primary().port() + "/" + cluster.database();
		try (ConfigurableApplicationContext context = RouterTestApplication.start(cluster,
				concat(QUICK_PROBES, "replica-router.replicas[1].url=" + primaryByName))) {
			ReplicaHealthMonitor monitor = context.getBean(ReplicaHealthMonitor.class);
			assertThat(monitor.health("replica-2").state()).isEqualTo(NodeState.MISCONFIGURED);
			assertThat(monitor.health("replica-2").detail()).contains("it is the primary itself");
			assertThat(output.getOut()).contains("is not a streaming replica: it is the primary itself")
				.contains("Point replica-router.replicas[1].url at a streaming replica");
			Queries queries = context.getBean(Queries.class);
			for (int i = 0; i < 10; i++) {
				assertThat(queries.readOnly().port()).isEqualTo(cluster.replica(0).port());
			}
		}
		Throwable failure = catchThrowable(() -> RouterTestApplication.start(cluster, concat(QUICK_PROBES,
				"replica-router.replicas[1].url=" + primaryByName, "replica-router.fail-fast=true")).close());
		assertThat(rootCause(failure)).isInstanceOf(NodesUnavailableAtStartupException.class)
			.hasMessageContaining("replica-router.replicas[1].url")
			.hasMessageContaining("it is the primary itself");
	}

	private static void awaitState(ReplicaHealthMonitor monitor, String node, NodeState state, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (monitor.health(node).state() != state) {
			assertThat(System.nanoTime() - deadline).as("%s to be %s: %s", node, state, monitor.health(node))
				.isNegative();
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}
	}

	private static String[] concat(String[] first, String... more) {
		String[] all = new String[first.length + more.length];
		System.arraycopy(first, 0, all, 0, first.length);
		System.arraycopy(more, 0, all, first.length, more.length);
		return all;
	}

	private static Throwable rootCause(Throwable failure) {
		assertThat(failure).as("startup failure").isNotNull();
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

}
