package io.replicarouter.it.damping;

import java.sql.SQLException;
import java.time.Duration;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.RoutingStatistics;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A 12 s report query on a replica: cancelled by the server with the default statement
 * timeout (57014 reaches the caller, the method is not run again, the replica stays in
 * rotation), served when the statement timeout is raised for the replica.
 */
class ReplicaStatementTimeoutIT {

	private static final Duration REPORT = Duration.ofSeconds(12);

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void createTables() {
		RouterTestApplication.createTables(extension.cluster());
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void reportLongerThanTheDefaultStatementTimeoutIsCancelledByTheServerAndTheReplicaStaysInRotation()
			throws Exception {
		// The starter's defaults: statement timeout 10 s, socket timeout 15 s.
		this.context = RouterTestApplication.start(extension.cluster());
		ReplicaHealthMonitor monitor = awaitReplicasInRotation();
		RoutingStatistics statistics = this.context.getBean(RoutingStatistics.class);
		long retriesBefore = statistics.transactionRetries();
		long started = System.nanoTime();
		Throwable failure = catchThrowable(() -> this.context.getBean(Queries.class).getAfter(1, REPORT));
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		System.out.println("12 s report with the default statement timeout: failed after " + took.toMillis() + " ms: "
				+ failure);
		assertThat(failure).as("the server cancelled the statement").isNotNull();
		assertThat(sqlState(failure)).isEqualTo("57014");
		assertThat(failure).hasStackTraceContaining("statement timeout");
		assertThat(took).as("cancelled at the statement timeout, not at the socket timeout")
			.isGreaterThanOrEqualTo(Duration.ofMillis(9_500))
			.isLessThan(REPORT);
		assertThat(statistics.transactionRetries()).as("not run again on another replica").isEqualTo(retriesBefore);
		for (NodeHealth replica : monitor.replicaHealth()) {
			assertThat(replica.state()).as(replica.toString()).isEqualTo(NodeState.UP);
			assertThat(replica.consecutiveFailures()).as(replica.toString()).isZero();
		}
		assertThat(monitor.eligibleReplicas()).hasSize(2);
		assertThat(this.context.getBean(Queries.class).readOnly().inRecovery()).as("replicas still serve").isTrue();
	}

	@Test
	void reportOnAReplicaWhoseStatementTimeoutIsRaisedSucceeds() throws Exception {
		// What a user with reporting replicas sets: a longer statement timeout for them (both
		// replicas here, since round-robin may send the report to either).
		this.context = RouterTestApplication.start(extension.cluster(),
				"replica-router.replicas[0].timeouts.statement=30s", "replica-router.replicas[1].timeouts.statement=30s");
		awaitReplicasInRotation();
		long started = System.nanoTime();
		RouterTestApplication.Read read = this.context.getBean(Queries.class).getAfter(1, REPORT);
		Duration took = Duration.ofNanos(System.nanoTime() - started);
		System.out.println("12 s report with statement timeout 30 s: served in " + took.toMillis() + " ms by "
				+ read.server());
		assertThat(read.server().inRecovery()).as("served by a replica").isTrue();
		assertThat(took).isGreaterThanOrEqualTo(REPORT);
	}

	private ReplicaHealthMonitor awaitReplicasInRotation() throws InterruptedException {
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		ReplicaFaultsUnderReadLoadIT.await(Duration.ofSeconds(20), () -> monitor.eligibleReplicas().size() == 2);
		return monitor;
	}

	private static String sqlState(Throwable failure) {
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			if (ex instanceof SQLException sql) {
				return sql.getSQLState();
			}
		}
		return null;
	}

}
