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
			- AWS Advanced JDBC Wrapper: 4.3.0, the `readWriteSplitting` plugin alone (`wrapperPlugins=readWriteSplitting`; 			the default plugins watch Aurora topology), over a connection string naming the primary first and the replica 			after it with `singleWriterConnectionString=true` (how its documentation configures a cluster that is not 			Aurora), `wrapperDialect=pg`, in one HikariCP pool. Spring's transaction manager calls `setReadOnly(true)` for a 			read-only transaction; the plugin then switches the pooled connection to its reader connection (opened once, 			then cached) and back to the writer after it. Over the stub driver it finds the stub through `DriverManager`, 			where the stub is registered for this layer only, ahead of PostgreSQL's driver (it still takes only `stub-` 			hosts).
			- `LazyConnectionDataSourceProxy`, ShardingSphere and the AWS wrapper have no read-your-writes: their `writeThenRead` \
			reads from the replica whether or not it has replayed the write.
			- `lsn` mode commits a read-write transaction with SQL that carries two small queries in the same round trip \
			(`select pg_current_xact_id_if_assigned() is not null; commit; select <WAL insert position>`, one Sync): \
			whether the transaction wrote anything, and the position a later read of the scope must see. It is one \
			statement more than the baseline's commit and no round trip more (the round-trip table). It is a prepared \
			statement: from pgjdbc's prepareThreshold (5) on, the server keeps the two queries' plans and only binds and \
			runs them. A transaction that \
			wrote nothing (no transaction id) leaves its scope alone. The stub driver answers that a transaction id was \
			assigned, so the stub rows always pay for recording a write; on the real database the benchmark's \
			`SELECT 1` read-write transaction writes nothing, so its `writeThenRead` needs no replay check.
			- End to end, each load thread is one user that reads right after its own writes (thread scope). A read \
			issued microseconds after a commit often finds no replica that has replayed it yet (streaming replication \
			is asynchronous): replica-router asks one replica and waits up to `consistency.max-wait` (default 10 ms; \
			re-checked after 1, 2, 4 ms, then every 5 ms) before it reads from the primary (`CONSISTENCY` in the \
			table). With `consistency.max-wait=0` (the default before) it asks once. That, not replica health, is \
			what the primary's share of reads consists of when the `fallback` count is 0; the second replicated \
			configuration measures the other setting in the same run. Web requests of different users do not wait \
			for each other's writes.
			- On a machine where other work runs, every number here moves; the load average at start and end is in \
			the table above. In the end-to-end run the embedded servers share the machine's cores with the JVM under \
			test, so it cannot show the capacity replicas on their own hosts add: it shows routing cost and where reads \
			went. The capacity run is the one about capacity: each server there gets the same CPU quota (a host of \
			its own size), and the quotas together (3 × the quota) leave the rest of the machine to the client.
			""";

	private Notes() {
	}

}
