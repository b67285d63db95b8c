package io.replicarouter.benchmarks;

/**
 * The fixed explanations at the end of every results file.
 */
final class Notes {

	static final String TEXT = """
			- Every layer uses HikariCP pools of the same size and Spring's `JdbcTransactionManager`. replica-router is \
			built by Boot's auto-configuration from properties (its health monitor probes both nodes; the replica must be \
			in rotation before measuring), the other layers by hand as their documentation shows.
			- The stub driver (`io.replicarouter.benchmarks.stub`) accepts only `jdbc:postgresql://stub-…` URLs, is chosen \
			by `driver-class-name` and never registers with `DriverManager`; it answers `SELECT 1`, replica-router's health \
			probe and WAL position queries from memory (the replica reports the primary's position: no lag).
			- ShardingSphere-JDBC: 5.5.2, because 5.5.3's `shardingsphere-jdbc` no longer contains read/write splitting or \
			the PostgreSQL dialect and the 5.5.3 modules that bring them are not on Maven Central. Configured in YAML with \
			one read/write group and `transactionalReadQueryStrategy: FIXED`, so a read-only transaction reads from the \
			replica as with the other layers (its default, `PRIMARY`, would read from the primary). ShardingSphere routes by \
			statement, not by the transaction's read-only flag: its `SELECT 1` in a read-write transaction also goes to \
			the replica.
			- `LazyConnectionDataSourceProxy` and ShardingSphere have no read-your-writes: their `writeThenRead` reads \
			from the replica whether or not it has replayed the write.
			- `lsn` mode reads the primary's WAL insert position after every committed read-write transaction: one \
			more round trip on the primary, by design (it is what makes the next read safe on a replica). It shows as one \
			more statement in the read-write columns of the round-trip table and as the read-write difference on the real \
			database.
			""";

	private Notes() {
	}

}
