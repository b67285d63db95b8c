package io.replicarouter.it.serviceconnection;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented {@code deploy/compose/compose.yaml} (a primary and two streaming replicas
 * labelled {@code org.springframework.boot.service-connection: replica}) started by Boot's
 * Docker Compose support, with nothing in {@code spring.datasource.*} or
 * {@code replica-router.*}. Boot skips Docker Compose in tests unless told otherwise, and
 * this test needs a Docker engine and {@code docker compose}: skipped without them.
 */
@EnabledIf("dockerComposeAvailable")
@SpringBootTest(classes = DockerComposeReplicaIT.TestApplication.class,
		properties = { "spring.docker.compose.file=../deploy/compose/compose.yaml",
				"spring.docker.compose.skip.in-tests=false", "spring.docker.compose.stop.command=down" })
class DockerComposeReplicaIT {

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Autowired
	private ReplicaRoutingDataSource router;

	@Test
	void theLabelledServicesAreTheRoutersReplicasNamedAfterThem() {
		assertThat(this.router.getReplicas()).extracting(DataSourceNode::name)
			.containsExactlyInAnyOrder("replica-standby-1", "replica-standby-2");
	}

	@Test
	void aReadOnlyTransactionRunsOnAReplicaAndAWriteOnThePrimary() {
		Standbys.assertReadsOnAStandbyAndWritesOnThePrimary(this.transactionManager, this.jdbcTemplate,
				Duration.ofSeconds(60));
	}

	/**
	 * Whether a Docker engine answers and {@code docker compose} is installed.
	 */
	static boolean dockerComposeAvailable() {
		return succeeds("docker", "info", "--format", "{{.ServerVersion}}") && succeeds("docker", "compose", "version");
	}

	private static boolean succeeds(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
