package io.replicarouter.it.serviceconnection;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What both declarations of replicas must give: read-only transactions on a standby, once
 * one is in rotation, and writes on the primary.
 */
final class Standbys {

	private Standbys() {
	}

	/**
	 * Assert that a read-only transaction runs on a standby within the given time, and a
	 * read-write one on the primary.
	 * @param transactionManager the application's transaction manager
	 * @param jdbc the application's {@code JdbcTemplate}
	 * @param within how long the replicas may take to come into rotation
	 */
	static void assertReadsOnAStandbyAndWritesOnThePrimary(PlatformTransactionManager transactionManager,
			JdbcTemplate jdbc, Duration within) {
		TransactionTemplate readOnly = new TransactionTemplate(transactionManager);
		readOnly.setReadOnly(true);
		await().atMost(within).untilAsserted(() -> assertThat(inRecovery(readOnly, jdbc)).isTrue());
		assertThat(inRecovery(new TransactionTemplate(transactionManager), jdbc)).isFalse();
	}

	/**
	 * Whether the node that ran the transaction says it is a standby.
	 */
	private static @Nullable Boolean inRecovery(TransactionTemplate transaction, JdbcTemplate jdbc) {
		return transaction.execute((status) -> jdbc.queryForObject("select pg_is_in_recovery()", Boolean.class));
	}

}
