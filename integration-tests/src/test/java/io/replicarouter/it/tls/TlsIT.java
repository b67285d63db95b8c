package io.replicarouter.it.tls;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With servers that have certificates from a CA generated for the test, a primary URL
 * with {@code sslmode=verify-full} is enough: every pool, the primary's and the replicas'
 * (given host and port only), and the health monitor's probe connections talk TLS, as
 * {@code pg_stat_ssl} on each server shows.
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension
		.of(PostgresReplicationCluster.builder().replicas(2).tls());

	private static final String SSL_OF_THIS_SESSION = "select ssl, version from pg_stat_ssl where pid = pg_backend_pid()";

	@Test
	void replicasInheritTheTlsSettingsOfThePrimaryUrlAndEveryConnectionIsEncrypted(CapturedOutput output)
			throws Exception {
		PostgresReplicationCluster cluster = extension.cluster();
		RouterTestApplication.createTables(cluster);
		String tls = "sslmode=verify-full&sslrootcert=" + cluster.tlsRootCertificate();
		try (ConfigurableApplicationContext context = RouterTestApplication.start(cluster,
				"spring.datasource.url=" + cluster.primary().jdbcUrl() + "?" + tls,
				"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:" + cluster.replica(0).port() + "/"
						+ cluster.database(),
				"replica-router.replicas[1].url=jdbc:postgresql://localhost:" + cluster.replica(1).port() + "/"
						+ cluster.database())) {
			ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
			List<DataSourceNode> nodes = new ArrayList<>();
			nodes.add(router.getPrimary());
			nodes.addAll(router.getReplicas());
			for (DataSourceNode node : nodes) {
				assertThat(node.maskedUrl()).as(node.name()).contains("sslmode=verify-full");
				assertThat(sslOfSession(node.dataSource())).as("%s pool", node.name()).startsWith("true TLSv1.");
			}
			Queries queries = context.getBean(Queries.class);
			queries.write();
			assertThat(queries.readOnly().inRecovery()).isTrue();
			for (PostgresNode server : cluster.nodes()) {
				assertThat(probeConnectionsUseTls(server)).as("monitor's probe on %s", server.name()).isTrue();
			}
			assertThat(output.getOut()).doesNotContain("sslmode weaker").doesNotContain(".url connects to");
		}
		try (Connection connection = cluster.primary().connect(); Statement statement = connection.createStatement();
				ResultSet streaming = statement.executeQuery(
						"select count(*), bool_and(s.ssl) from pg_stat_replication r join pg_stat_ssl s using (pid)")) {
			streaming.next();
			assertThat(streaming.getInt(1)).as("streaming replicas").isEqualTo(2);
			assertThat(streaming.getBoolean(2)).as("replicas stream over TLS").isTrue();
		}
	}

	@Test
	void aReplicaMayOverrideTheInheritedSslMode() throws Exception {
		PostgresReplicationCluster cluster = extension.cluster();
		String tls = "sslmode=verify-full&sslrootcert=" + cluster.tlsRootCertificate();
		try (ConfigurableApplicationContext context = RouterTestApplication.start(cluster,
				"spring.datasource.url=" + cluster.primary().jdbcUrl() + "?" + tls,
				"replica-router.replicas[0].url=" + cluster.replica(0).jdbcUrl() + "?sslmode=disable")) {
			ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
			assertThat(sslOfSession(router.getPrimary().dataSource())).startsWith("true");
			assertThat(sslOfSession(router.getReplicas().get(0).dataSource())).startsWith("false");
			assertThat(sslOfSession(router.getReplicas().get(1).dataSource())).startsWith("true");
		}
	}

	private static String sslOfSession(DataSource dataSource) throws SQLException {
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(SSL_OF_THIS_SESSION)) {
			result.next();
			return result.getBoolean(1) + " " + result.getString(2);
		}
	}

	private static boolean probeConnectionsUseTls(PostgresNode server) throws SQLException {
		try (Connection connection = server.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select count(*), bool_and(s.ssl) from pg_stat_activity a "
						+ "join pg_stat_ssl s using (pid) where a.application_name = 'replica-router-monitor'")) {
			result.next();
			return result.getInt(1) > 0 && result.getBoolean(2);
		}
	}

}
