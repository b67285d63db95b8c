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
			database. What limits it is that round trip, not CPU: `sticky` mode (no query; reads go to the primary for \
			`sticky-window` after a write) or `none` avoid it. A design that would: take a write's position from the \
			health monitor's next probe of the primary instead of a query per commit, sending the scope's reads to the \
			primary (or making them wait) until then.
			- End to end, each load thread is one user that reads right after its own writes (thread scope). A read \
			issued microseconds after a commit finds no replica that has replayed it yet (streaming replication is \
			asynchronous): with `consistency.max-wait` at its default, 0, replica-router asks one replica once and \
			then reads from the primary (`CONSISTENCY` in the table). That, not replica health, is what the primary's \
			share of reads consists of when the `fallback` count is 0. `consistency.max-wait` (for example 20ms) makes \
			such reads wait on a replica instead; web requests of different users do not wait for each other's writes.
			- On a machine where other work runs, every number here moves; the load average at start and end is in \
			the table above. The embedded servers share the machine's cores with the JVM under test, so the \
			end-to-end run cannot show the capacity replicas on their own hosts add: it shows routing cost and where \
			reads went.
			""";

	private Notes() {
	}

}
