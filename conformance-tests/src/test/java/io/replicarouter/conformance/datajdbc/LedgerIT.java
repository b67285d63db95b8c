package io.replicarouter.conformance.datajdbc;

/**
 * Spring Data JDBC and {@code JdbcClient} with isolation levels, routing on.
 */
class LedgerIT extends LedgerConformance {

	LedgerIT() {
		super(true);
	}

}
