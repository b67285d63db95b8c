package io.replicarouter.conformance.datajdbc;

import io.replicarouter.conformance.Observation;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

/**
 * A non-web Spring Data JDBC and {@code JdbcClient} application whose writes ask for {@code REPEATABLE_READ} and
 * whose consistent report asks for a read-only {@code SERIALIZABLE} transaction, which a hot standby refuses.
 *
 * <p>The user sets {@code replica-router.non-transactional-reads=replica}: its lookups outside transactions are
 * many and tolerate replica lag, and they want them off the primary.
 *
 * <p>Boot defaults it relies on: the {@code JdbcTransactionManager} and {@code JdbcClient} Boot auto-configures
 * for Spring Data JDBC, the dialect Spring Data JDBC detects, Hikari's pool settings, no timeouts set.
 */
@SpringBootApplication
public class LedgerApplication {

	public static void main(String[] args) {
		SpringApplication.run(LedgerApplication.class, args);
	}

	/**
	 * What a write saw: the node and the isolation level the transaction ran with.
	 */
	public record Write(Observation observation, String isolation) {
	}

	@Service
	public static class Ledger {

		private static final String OBSERVE = "select inet_server_port(), pg_is_in_recovery(), "
				+ "(select count(*) from dj_entry where marker = ?), current_setting('transaction_isolation')";

		private final EntryRepository entries;

		private final JdbcClient jdbc;

		Ledger(EntryRepository entries, JdbcClient jdbc) {
			this.entries = entries;
			this.jdbc = jdbc;
		}

		@Transactional(isolation = Isolation.REPEATABLE_READ)
		public Write saveWithRepository(String marker) {
			this.entries.save(new Entry(null, marker));
			return write("repository save", marker);
		}

		@Transactional(isolation = Isolation.REPEATABLE_READ)
		public Write insertWithJdbcClient(String marker) {
			this.jdbc.sql("insert into dj_entry (marker) values (?)").param(marker).update();
			return write("JdbcClient insert", marker);
		}

		@Transactional(readOnly = true)
		public Observation read(String marker) {
			return observe("read-only", marker);
		}

		@Transactional(readOnly = true, isolation = Isolation.SERIALIZABLE)
		public Write serializableReport(String marker) {
			return write("serializable read-only", marker);
		}

		/**
		 * A lookup outside any transaction: one statement, so one connection.
		 */
		public Observation lookup(String marker) {
			return observe("non-transactional", marker);
		}

		private Write write(String operation, String marker) {
			return this.jdbc.sql(OBSERVE)
				.param(marker)
				.query((rs, row) -> new Write(
						new Observation(operation, rs.getInt(1), rs.getBoolean(2), rs.getLong(3)), rs.getString(4)))
				.single();
		}

		private Observation observe(String operation, String marker) {
			return write(operation, marker).observation();
		}

	}

}
