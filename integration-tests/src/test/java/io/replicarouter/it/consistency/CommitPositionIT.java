package io.replicarouter.it.consistency;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.replicarouter.WalPosition;
import io.replicarouter.consistency.ConsistencyScope;
import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The WAL position a write's scope must read at is read in the commit's own round trip,
 * against real PostgreSQL and pgjdbc, with the defaults: it is at or after the commit, a
 * read-write transaction that wrote nothing leaves the scope alone, and a transaction that
 * failed before its commit fails the commit as the driver's own commit does.
 */
class CommitPositionIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(1);

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		RouterTestApplication.createTables(extension.cluster());
		context = RouterTestApplication.start(extension.cluster());
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void aWritesPositionIsAtOrAfterItsCommitAndBeforeTheNextWrite() throws SQLException {
		try (ConsistencyScope.Opened scope = ConsistencyScope.open(ConsistencyToken.EMPTY, null)) {
			WalPosition before = insertPosition();
			context.getBean(Queries.class).put(1, 10);
			WalPosition recorded = scope.scope().token().position();
			WalPosition after = insertPosition();
			assertThat(recorded.isKnown()).isTrue();
			assertThat(recorded.isAtLeast(before)).isTrue();
			assertThat(recorded.bytesAfter(before)).as("past the write's commit record").isPositive();
			assertThat(after.isAtLeast(recorded)).isTrue();
			assertThat(context.getBean(Queries.class).get(1).value()).as("read your write").isEqualTo(10);
		}
	}

	@Test
	void aReadWriteTransactionThatWroteNothingLeavesTheScopeAlone() {
		try (ConsistencyScope.Opened scope = ConsistencyScope.open(ConsistencyToken.EMPTY, null)) {
			context.getBean(Queries.class).readWrite();
			assertThat(scope.scope().token().isEmpty()).isTrue();
		}
	}

	@Test
	void aTransactionThatFailedBeforeItsCommitFailsTheCommitAndRecordsNothing() {
		TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		try (ConsistencyScope.Opened scope = ConsistencyScope.open(ConsistencyToken.EMPTY, null)) {
			assertThatException().isThrownBy(() -> transactions.executeWithoutResult((status) -> {
				jdbc.update("insert into kv (id, v) values (2, 20) on conflict (id) do update set v = excluded.v");
				try {
					jdbc.queryForObject("select 1 / 0", Integer.class);
				}
				catch (RuntimeException ex) {
					// swallowed: the transaction is left failed, and the commit must say so
				}
			}));
			assertThat(scope.scope().token().isEmpty()).isTrue();
		}
		assertThat(context.getBean(Queries.class).get(2).value()).as("nothing committed").isEqualTo(-1);
	}

	@Test
	void aCommitWhoseConnectionIsTerminatedFailsAndTheBrokenConnectionLeavesThePool() throws SQLException {
		TransactionTemplate transactions = context.getBean(TransactionTemplate.class);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		com.zaxxer.hikari.HikariDataSource pool = (com.zaxxer.hikari.HikariDataSource) context
			.getBean(io.replicarouter.routing.ReplicaRoutingDataSource.class)
			.getPrimary()
			.dataSource();
		int[] terminated = new int[1];
		try (ConsistencyScope.Opened scope = ConsistencyScope.open(ConsistencyToken.EMPTY, null)) {
			assertThatException().isThrownBy(() -> transactions.executeWithoutResult((status) -> {
				jdbc.update("insert into kv (id, v) values (3, 30) on conflict (id) do update set v = excluded.v");
				terminated[0] = jdbc.queryForObject("select pg_backend_pid()", Integer.class);
				try (Connection admin = extension.cluster().primary().connect();
						Statement statement = admin.createStatement()) {
					statement.execute("select pg_terminate_backend(" + terminated[0] + ")");
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			}));
			// The client cannot tell whether a commit whose connection broke was applied: the
			// scope's reads go to the primary until every replica could have it.
			assertThat(scope.scope().token().isEmpty()).isFalse();
			assertThat(scope.scope().token().position().isKnown()).as("a write of unknown position").isFalse();
		}
		assertThat(context.getBean(Queries.class).get(3).value()).as("nothing committed").isEqualTo(-1);
		// Every connection the pool hands out now is a live one: the terminated one was evicted.
		for (int i = 0; i < pool.getMaximumPoolSize() + 1; i++) {
			int pid = transactions.execute((status) -> jdbc.queryForObject("select pg_backend_pid()", Integer.class));
			assertThat(pid).isNotEqualTo(terminated[0]);
		}
	}

	private static WalPosition insertPosition() throws SQLException {
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement();
				ResultSet result = statement
					.executeQuery("select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint")) {
			result.next();
			return WalPosition.of(result.getLong(1));
		}
	}

}
