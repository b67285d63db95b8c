package io.replicarouter.benchmarks;

/**
 * The data access layers compared, each over the same primary and replica, with the same
 * HikariCP pool settings and Spring's {@code JdbcTransactionManager}.
 */
public enum Layer {

	/**
	 * (a) One plain HikariCP pool on the primary: the baseline.
	 */
	BASELINE("(a) HikariCP, primary only (baseline)"),

	/**
	 * (b)/(c) replica-router as the auto-configuration builds it, with its defaults:
	 * consistency mode {@code lsn}, read-your-writes within the thread.
	 */
	ROUTER("(b, c) replica-router, defaults (lsn)"),

	/**
	 * replica-router with {@code replica-router.consistency.mode=none}: routing without
	 * read-your-writes, to show what the {@code lsn} mode costs.
	 */
	ROUTER_NONE("replica-router, consistency none"),

	/**
	 * replica-router with its defaults in an application with an observation registry that
	 * times every observation (as Boot's actuator does): what observing each binding costs.
	 * {@link #ROUTER} has no registry, as an application without Micrometer's observation
	 * support.
	 */
	ROUTER_OBSERVED("replica-router, defaults, bindings observed (timer per binding)"),

	/**
	 * (d) Spring's {@code LazyConnectionDataSourceProxy} with a read-only data source: what
	 * a user would write by hand.
	 */
	LAZY_PROXY("(d) LazyConnectionDataSourceProxy + setReadOnlyDataSource"),

	/**
	 * (e) Apache ShardingSphere-JDBC read/write splitting.
	 */
	SHARDING_SPHERE("(e) ShardingSphere-JDBC read/write splitting"),

	/**
	 * (f) AWS Advanced JDBC Wrapper with its read/write splitting plugin, which switches a
	 * connection to a reader on {@code setReadOnly(true)}.
	 */
	AWS_WRAPPER("(f) AWS Advanced JDBC Wrapper, readWriteSplitting plugin");

	private final String description;

	Layer(String description) {
		this.description = description;
	}

	/**
	 * Return how the results name this layer.
	 * @return the description
	 */
	public String description() {
		return this.description;
	}

}
