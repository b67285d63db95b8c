package io.replicarouter.conformance.flyway;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import io.replicarouter.conformance.ConformanceCluster;
import io.replicarouter.conformance.NotesConformance;
import io.replicarouter.conformance.openinview.OpenInViewApplication;
import io.replicarouter.test.PostgresNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notes contract against the open-in-view notes application where a user's Flyway migration
 * ({@code db/migration}, Boot's default location) creates the schema, with routing on ({@code expectReplica}) or
 * off. Only this group's JVM has Flyway on its class path; {@code spring.jpa.hibernate.ddl-auto} stays at Boot's
 * default.
 */
@SpringBootTest(classes = OpenInViewApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
abstract class FlywayConformance extends NotesConformance {

	FlywayConformance(boolean expectReplica) {
		super(expectReplica);
	}

	/**
	 * Starts from an empty database so that this run's application applies the migration.
	 */
	@BeforeAll
	static void emptyDatabase() {
		ConformanceCluster.executeOnPrimary("drop table if exists oiv_note", "drop table if exists flyway_schema_history");
	}

	/**
	 * The migration can only have succeeded on the primary (a replica refuses DDL); its history is there, and the
	 * table reached both replicas.
	 */
	@Test
	void theMigrationRanOnThePrimaryAndReachedTheReplicas() throws Exception {
		try (Connection connection = ConformanceCluster.get().primary().connect();
				Statement statement = connection.createStatement();
				ResultSet history = statement
					.executeQuery("select version, success from flyway_schema_history where version is not null")) {
			assertThat(history.next()).isTrue();
			assertThat(history.getString(1)).isEqualTo("1");
			assertThat(history.getBoolean(2)).isTrue();
		}
		ConformanceCluster.get().awaitReplication();
		for (PostgresNode replica : ConformanceCluster.get().replicas()) {
			try (Connection connection = replica.connect();
					Statement statement = connection.createStatement();
					ResultSet table = statement.executeQuery("select to_regclass('oiv_note') is not null")) {
				table.next();
				assertThat(table.getBoolean(1)).as(replica.name()).isTrue();
			}
		}
	}

}
