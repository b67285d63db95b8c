package io.replicarouter.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.replicarouter.test.PostgresReplicationClusterIT.execute;
import static io.replicarouter.test.PostgresReplicationClusterIT.names;
import static io.replicarouter.test.PostgresReplicationClusterIT.queryString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Fails over to a replica, on a cluster of its own with a custom user, password (with characters that need
 * quoting) and database.
 */
class PostgresPromotionIT {

	private static final String PASSWORD = "it's a \\ secret";

	@RegisterExtension
	static PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension
		.of(PostgresReplicationCluster.builder()
			.replicas(1)
			.username("app_user")
			.password(PASSWORD)
			.database("app db")
			.serverSetting("application_name", "from-server-setting"));

	@Test
	void customUserPasswordAndDatabaseAreUsedEverywhere(PostgresReplicationCluster cluster) throws Exception {
		assertThat(cluster.username()).isEqualTo("app_user");
		assertThat(cluster.password()).isEqualTo(PASSWORD);
		assertThat(cluster.database()).isEqualTo("app db");
		assertThat(cluster.toString()).doesNotContain("secret");
		for (PostgresNode node : cluster.nodes()) {
			try (Connection connection = node.connect(); Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("select current_user, current_database()")) {
				assertThat(rows.next()).isTrue();
				assertThat(rows.getString(1)).isEqualTo("app_user");
				assertThat(rows.getString(2)).isEqualTo("app db");
			}
			assertThat(queryString(node, "select setting from pg_settings where name = 'application_name'"))
				.isNotNull();
			assertThat(queryString(node, "select reset_val from pg_settings where name = 'application_name'"))
				.isEqualTo("from-server-setting");
		}
	}

	@Test
	void promotedReplicaAcceptsWritesAfterThePrimaryStopped(PostgresReplicationCluster cluster) throws Exception {
		PostgresNode primary = cluster.primary();
		PostgresNode replica = cluster.replica(0);
		assertThatIllegalStateException().isThrownBy(primary::promote);
		execute(primary, "create table failover (id int primary key, name text)",
				"insert into failover values (1, 'from the primary')");
		cluster.awaitReplication();

		primary.stop();
		replica.promote();

		assertThat(replica.isPromoted()).isTrue();
		assertThat(replica.isPrimaryRole()).isFalse();
		assertThat(queryString(replica, "select pg_is_in_recovery()")).isEqualTo("f");
		execute(replica, "insert into failover values (2, 'from the promoted replica')");
		assertThat(names(replica, "failover")).containsExactly("from the primary", "from the promoted replica");
		assertThat(replica.lsn()).isEqualTo(queryString(replica, "select pg_current_wal_lsn()::text"));
		assertThat(replica.dataDirectory().resolve("standby.signal")).doesNotExist();
		assertThatIllegalStateException().isThrownBy(() -> replica.setReplayDelay(java.time.Duration.ofSeconds(1)));

		replica.restart();
		assertThat(queryString(replica, "select pg_is_in_recovery()")).isEqualTo("f");
		assertThat(names(replica, "failover")).hasSize(2);
	}

}
