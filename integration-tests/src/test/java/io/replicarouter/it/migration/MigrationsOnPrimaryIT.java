package io.replicarouter.it.migration;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.replicarouter.it.RoutingTestCluster;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.test.PostgresReplicationCluster;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Liquibase, Flyway and Boot's SQL scripts ({@code spring.sql.init}) run on the primary
 * even when work outside transactions is sent to replicas: migrations are never routed.
 */
@SpringBootTest(classes = MigrationsOnPrimaryIT.TestApplication.class,
		properties = { "replica-router.non-transactional-reads=replica", "spring.liquibase.enabled=true",
				"spring.liquibase.change-log=classpath:liquibase/changelog.sql", "spring.sql.init.mode=always",
				"spring.sql.init.schema-locations=classpath:sql-init/schema.sql" })
class MigrationsOnPrimaryIT {

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		RoutingTestCluster.register(registry);
	}

	private final PostgresReplicationCluster cluster = RoutingTestCluster.get();

	@Autowired
	private ReplicaRoutingDataSource dataSource;

	@Test
	void liquibaseChangelogRanOnceOnThePrimary() throws SQLException {
		try (Connection connection = this.cluster.primary().connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select served_by, on_replica from liquibase_log")) {
			assertThat(result.next()).isTrue();
			assertThat(result.getInt(1)).isEqualTo(this.cluster.primary().port());
			assertThat(result.getBoolean(2)).isFalse();
			assertThat(result.next()).isFalse();
		}
	}

	@Test
	void flywayMigrationsRanOnThePrimaryAlthoughNonTransactionalWorkGoesToReplicas() throws SQLException {
		try (Connection connection = this.dataSource.getConnection(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select pg_is_in_recovery()")) {
			result.next();
			assertThat(result.getBoolean(1)).as("non-transactional work is on a replica").isTrue();
		}
		try (Connection connection = this.cluster.primary().connect(); Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("select count(*) from flyway_schema_history where version = '1' and success")) {
			result.next();
			assertThat(result.getInt(1)).isEqualTo(1);
		}
	}

	@Test
	void sqlInitScriptsRanOnThePrimary() throws SQLException {
		try (Connection connection = this.cluster.primary().connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select served_by, on_replica from sql_init_log")) {
			assertThat(result.next()).as("the script ran").isTrue();
			do {
				assertThat(result.getInt(1)).isEqualTo(this.cluster.primary().port());
				assertThat(result.getBoolean(2)).isFalse();
			}
			while (result.next());
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
			"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
	static class TestApplication {

	}

}
