package io.replicarouter.it.serviceconnection;

import java.time.Duration;

import io.replicarouter.autoconfigure.ReplicaConnectionDetails;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary and a streaming replica of the official {@code postgres} image, both declared
 * with {@code @ServiceConnection} and nothing in {@code spring.datasource.*} or
 * {@code replica-router.*}: the primary through Boot's {@code JdbcConnectionDetails}, the
 * replica through replica-router's {@link ReplicaConnectionDetails}. Which node served a
 * transaction is what the server says ({@code pg_is_in_recovery()}). Needs Docker: skipped
 * without it.
 */
@Testcontainers(disabledWithoutDocker = true)
@SpringBootTest(classes = ServiceConnectionReplicaIT.TestApplication.class)
class ServiceConnectionReplicaIT {

	private static final String PASSWORD = "app-secret";

	/** Lets replication connections in: the image's pg_hba.conf does not. */
	private static final String REPLICATION_HBA = "echo \"host replication all all scram-sha-256\" >> \"$PGDATA/pg_hba.conf\"\n";

	/** Clones the primary with pg_basebackup -R, then runs the clone as a hot standby. */
	private static final String STANDBY = """
			until pg_basebackup --host=primary --username=app --pgdata="$PGDATA" -R --wal-method=stream; do
			  rm -rf "$PGDATA"/*; sleep 1
			done
			chmod 0700 "$PGDATA"
			exec postgres
			""";

	private static final Network network = Network.newNetwork();

	@Container
	@ServiceConnection
	static final PostgreSQLContainer primary = new PostgreSQLContainer("postgres:17").withNetwork(network)
		.withNetworkAliases("primary")
		.withDatabaseName("app")
		.withUsername("app")
		.withPassword(PASSWORD)
		.withCopyToContainer(Transferable.of(REPLICATION_HBA, 0755), "/docker-entrypoint-initdb.d/10-replication.sh");

	@Container
	@ServiceConnection(name = ReplicaConnectionDetails.CONNECTION_NAME, type = ReplicaConnectionDetails.class)
	static final PostgreSQLContainer replica = new PostgreSQLContainer("postgres:17").withNetwork(network)
		.withDatabaseName("app")
		.withUsername("app")
		.withPassword(PASSWORD)
		.withEnv("PGPASSWORD", PASSWORD)
		.withCreateContainerCmdModifier((command) -> command.withEntrypoint("bash", "-c").withUser("postgres"))
		.withCommand(new String[] { STANDBY })
		.waitingFor(Wait.forLogMessage(".*ready to accept read-only connections.*\\n", 1)
			.withStartupTimeout(Duration.ofMinutes(2)))
		.dependsOn(primary);

	@Autowired
	private JdbcTemplate jdbcTemplate;

	@Autowired
	private PlatformTransactionManager transactionManager;

	@Autowired
	private ReplicaRoutingDataSource router;

	@Test
	void theReplicaContainerIsTheRoutersReplica() {
		assertThat(this.router.getReplicas()).extracting(DataSourceNode::name).containsExactly("replica-1");
	}

	@Test
	void aReadOnlyTransactionRunsOnTheReplicaAndAWriteOnThePrimary() {
		Standbys.assertReadsOnAStandbyAndWritesOnThePrimary(this.transactionManager, this.jdbcTemplate,
				Duration.ofSeconds(30));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}
