package io.replicarouter.it.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.replicarouter.PrimaryRead;
import io.replicarouter.it.RoutingTestCluster;
import io.replicarouter.it.Server;
import io.replicarouter.routing.RoutingReason;
import io.replicarouter.test.PostgresReplicationCluster;
import io.replicarouter.test.RoutingAssertions;
import io.replicarouter.test.RoutingAssertions.RoutingCounts;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.ReadOnlyProperty;
import org.springframework.data.jdbc.repository.config.EnableJdbcRepositories;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.relational.core.mapping.Table;
import org.springframework.data.repository.CrudRepository;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Routing through JdbcTemplate and Spring Data JDBC against a real primary and two
 * streaming replicas. Which node served a statement is always what the server said
 * ({@code inet_server_port()}, {@code pg_is_in_recovery()}, or a column default
 * evaluated by the server), never the router's own bookkeeping.
 */
@SpringBootTest(classes = JdbcRoutingIT.TestApplication.class)
class JdbcRoutingIT {

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		RoutingTestCluster.register(registry);
	}

	private final PostgresReplicationCluster cluster = RoutingTestCluster.get();

	@Autowired
	private Queries queries;

	@Autowired
	private PinnedQueries pinnedQueries;

	@Autowired
	private ServerIdentityRepository identities;

	@Autowired
	private NoteRepository notes;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private javax.sql.DataSource dataSource;

	@Test
	void readOnlyTransactionRunsOnAReplica() {
		Server server = this.queries.readOnly();
		assertThat(server.inRecovery()).isTrue();
		assertThat(server.nodeName(this.cluster)).startsWith("replica-");
	}

	@Test
	void readWriteTransactionRunsOnThePrimary() {
		Server server = this.queries.readWrite();
		assertThat(server.inRecovery()).isFalse();
		assertThat(server.port()).isEqualTo(this.cluster.primary().port());
	}

	@Test
	void workOutsideATransactionRunsOnThePrimaryByDefault() {
		Server server = this.queries.noTransaction();
		assertThat(server.port()).isEqualTo(this.cluster.primary().port());
	}

	@Test
	void primaryReadOnAMethodPinsAReadOnlyTransactionToThePrimary() {
		Server server = this.queries.readOnlyPinned();
		assertThat(server.port()).isEqualTo(this.cluster.primary().port());
		assertThat(server.inRecovery()).isFalse();
	}

	@Test
	void primaryReadOnAClassPinsEveryMethodToThePrimary() {
		assertThat(this.pinnedQueries.readOnly().port()).isEqualTo(this.cluster.primary().port());
	}

	@Test
	void transactionPinnedToThePrimaryStaysReadOnly() {
		assertThatException().isThrownBy(this.pinnedQueries::writeInReadOnly)
			.havingRootCause()
			.isInstanceOf(PSQLException.class)
			.satisfies((ex) -> assertThat(((PSQLException) ex).getSQLState()).isEqualTo("25006"));
	}

	@Test
	void aThousandReadOnlyTransactionsAreSpreadOverTheReplicasAndNoneReachesThePrimary() {
		Map<String, Integer> served = new TreeMap<>();
		for (int i = 0; i < 1000; i++) {
			served.merge(this.queries.readOnly().nodeName(this.cluster), 1, Integer::sum);
		}
		assertThat(served).doesNotContainKey("primary").containsOnlyKeys("replica-1", "replica-2");
		assertThat(served.get("replica-1")).isBetween(450, 550);
		assertThat(served.get("replica-2")).isBetween(450, 550);
	}

	@Test
	void writeInsideAReadOnlyTransactionFailsWithPostgresqlsReadOnlyErrorAndWritesNothing() throws SQLException {
		String text = "forbidden-" + System.nanoTime();
		assertThatException().isThrownBy(() -> this.queries.writeInReadOnly(text))
			.havingRootCause()
			.isInstanceOf(PSQLException.class)
			.satisfies((ex) -> assertThat(((PSQLException) ex).getSQLState()).isEqualTo("25006"));
		assertThat(countOnPrimary("select count(*) from note where text = '" + text + "'")).isZero();
	}

	@Test
	void requiresNewIsRoutedOnItsOwnFlagsAndAJoiningTransactionSharesTheOuterConnection() throws SQLException {
		Nested nested = this.queries.readOnlyCallingRequiresNewWriteAndJoinedRead("nested-" + System.nanoTime());
		assertThat(nested.outer().inRecovery()).isTrue();
		assertThat(nested.joined()).isEqualTo(nested.outer());
		assertThat(countOnPrimary("select served_by from note where id = " + nested.noteId()))
			.isEqualTo(this.cluster.primary().port());
	}

	@Test
	void springDataJdbcReadsRunOnReplicas() {
		ServerIdentity identity = this.identities.findById(1).orElseThrow();
		assertThat(identity.replica()).isTrue();
		assertThat(identity.port()).isNotEqualTo(this.cluster.primary().port());
	}

	@Test
	void springDataJdbcQueryMethodAnnotatedWithPrimaryReadRunsOnThePrimary() {
		ServerIdentity identity = this.identities.findOnPrimary();
		assertThat(identity.replica()).isFalse();
		assertThat(identity.port()).isEqualTo(this.cluster.primary().port());
	}

	@Test
	void springDataJdbcWritesRunOnThePrimary() throws SQLException {
		Note saved = this.notes.save(new Note(null, "saved-" + System.nanoTime(), null));
		assertThat(countOnPrimary("select served_by from note where id = " + saved.id()))
			.isEqualTo(this.cluster.primary().port());
	}

	@Test
	void flywayMigratedOnceOnThePrimaryAndItsTablesReachedTheReplicas() throws SQLException {
		assertThat(countOnPrimary("select count(*) from migration_log")).isEqualTo(1);
		assertThat(countOnPrimary("select served_by from migration_log")).isEqualTo(this.cluster.primary().port());
		assertThat(countOnPrimary("select count(*) from flyway_schema_history where version = '1' and success"))
			.isEqualTo(1);
		this.cluster.awaitReplication();
		for (var replica : this.cluster.replicas()) {
			try (Connection connection = replica.connect(); Statement statement = connection.createStatement();
					ResultSet result = statement.executeQuery("select count(*) from migration_log")) {
				result.next();
				assertThat(result.getInt(1)).isEqualTo(1);
			}
		}
	}

	@Test
	void routingAssertionsOfTheTestKitSeeWhereWorkWent() {
		this.queries.readOnly();
		RoutingAssertions.assertThatLastRoute().wentToAReplica().because(RoutingReason.READ_ONLY);
		this.queries.readOnlyPinned();
		RoutingAssertions.assertThatLastRoute().wentToThePrimary().because(RoutingReason.PRIMARY_READ);
		RoutingCounts counts = RoutingAssertions.countRoutes(this.dataSource);
		for (int i = 0; i < 100; i++) {
			this.queries.readOnly();
		}
		assertThat(counts.sinceStart()).containsOnlyKeys("replica-1", "replica-2");
		assertThat(counts.sinceStart().values()).containsOnly(50L);
		assertThatThrownBy(() -> RoutingAssertions.assertThatLastRoute().wentTo("primary"))
			.isInstanceOf(AssertionError.class)
			.hasMessageContaining("went to <replica-");
	}

	@Test
	void everyPoolHasHikarisMetersTaggedWithItsReadableName() {
		this.queries.readOnly();
		this.queries.readOnly();
		this.queries.readWrite();
		for (String pool : new String[] { "primary", "replica-1", "replica-2" }) {
			assertThat(this.meters.find("hikaricp.connections.max").tag("pool", pool).gauge()).as(pool).isNotNull();
			assertThat(this.meters.find("hikaricp.connections.usage").tag("pool", pool).timer().count()).as(pool)
				.isPositive();
		}
	}

	private int countOnPrimary(String sql) throws SQLException {
		try (Connection connection = this.cluster.primary().connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getInt(1);
		}
	}

	record Nested(Server outer, Server joined, long noteId) {
	}

	@Table("server_identity")
	record ServerIdentity(@Id Integer id, int port, boolean replica) {
	}

	@Table("note")
	record Note(@Id Long id, String text, @ReadOnlyProperty Integer servedBy) {
	}

	@Transactional(readOnly = true)
	interface ServerIdentityRepository extends CrudRepository<ServerIdentity, Integer> {

		@PrimaryRead
		@Query("select 1 as id, inet_server_port() as port, pg_is_in_recovery() as replica")
		ServerIdentity findOnPrimary();

	}

	interface NoteRepository extends CrudRepository<Note, Long> {

	}

	@Service
	static class Queries {

		private final JdbcTemplate jdbc;

		private final Writer writer;

		private final JoinedReader joinedReader;

		Queries(JdbcTemplate jdbc, Writer writer, JoinedReader joinedReader) {
			this.jdbc = jdbc;
			this.writer = writer;
			this.joinedReader = joinedReader;
		}

		@Transactional(readOnly = true)
		public Server readOnly() {
			return server(this.jdbc);
		}

		@Transactional
		public Server readWrite() {
			return server(this.jdbc);
		}

		public Server noTransaction() {
			return server(this.jdbc);
		}

		@PrimaryRead
		@Transactional(readOnly = true)
		public Server readOnlyPinned() {
			return server(this.jdbc);
		}

		@Transactional(readOnly = true)
		public void writeInReadOnly(String text) {
			this.jdbc.update("insert into note (text) values (?)", text);
		}

		@Transactional(readOnly = true)
		public Nested readOnlyCallingRequiresNewWriteAndJoinedRead(String text) {
			Server outer = server(this.jdbc);
			long noteId = this.writer.insertInNewTransaction(text);
			Server joined = this.joinedReader.read();
			return new Nested(outer, joined, noteId);
		}

		static Server server(JdbcTemplate jdbc) {
			return jdbc.queryForObject(Server.QUERY,
					(rs, row) -> new Server(rs.getInt("port"), rs.getBoolean("in_recovery")));
		}

	}

	@Service
	static class Writer {

		private final JdbcTemplate jdbc;

		Writer(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(propagation = Propagation.REQUIRES_NEW)
		public long insertInNewTransaction(String text) {
			return this.jdbc.queryForObject("insert into note (text) values (?) returning id", Long.class, text);
		}

	}

	@Service
	static class JoinedReader {

		private final JdbcTemplate jdbc;

		JoinedReader(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		public Server read() {
			return Queries.server(this.jdbc);
		}

	}

	@Service
	@PrimaryRead
	static class PinnedQueries {

		private final JdbcTemplate jdbc;

		PinnedQueries(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public Server readOnly() {
			return Queries.server(this.jdbc);
		}

		@Transactional(readOnly = true)
		public void writeInReadOnly() {
			this.jdbc.update("insert into note (text) values ('pinned-forbidden')");
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration" })
	@EnableJdbcRepositories(considerNestedRepositories = true)
	@Import({ Queries.class, Writer.class, JoinedReader.class, PinnedQueries.class })
	static class TestApplication {

	}

}
