package io.replicarouter.conformance.datajdbc;

import java.util.UUID;

import io.replicarouter.conformance.ConformanceCluster;
import io.replicarouter.conformance.Routing;
import io.replicarouter.conformance.datajdbc.LedgerApplication.Ledger;
import io.replicarouter.conformance.datajdbc.LedgerApplication.Write;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LedgerApplication}: {@code REPEATABLE_READ} writes through Spring Data JDBC and {@code JdbcClient} succeed
 * on the primary; reads, in and outside transactions, run on replicas; a read-only {@code SERIALIZABLE}
 * transaction succeeds on the primary.
 */
// The ledger's users send its lookups outside transactions to replicas (see LedgerApplication): the setting under
// which an isolation level used to bind a write to a replica. With the default, writes never go there
// (JdbcRoutingIT).
@SpringBootTest(classes = LedgerApplication.class, properties = "replica-router.non-transactional-reads=replica")
@DirtiesContext
abstract class LedgerConformance {

	private final boolean expectReplica;

	@Autowired
	private Ledger ledger;

	LedgerConformance(boolean expectReplica) {
		this.expectReplica = expectReplica;
	}

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		ConformanceCluster.register(registry);
	}

	@BeforeAll
	static void schema() {
		ConformanceCluster.executeOnPrimary(
				"create table if not exists dj_entry (id bigserial primary key, marker varchar(64) not null)");
	}

	@Test
	void repeatableReadWritesSucceedOnThePrimary() {
		String marker = UUID.randomUUID().toString();
		Write saved = this.ledger.saveWithRepository(marker);
		Routing.assertOnPrimary(saved.observation());
		assertThat(saved.observation().rows()).isEqualTo(1);
		assertThat(saved.isolation()).isEqualTo("repeatable read");
		Write inserted = this.ledger.insertWithJdbcClient(marker);
		Routing.assertOnPrimary(inserted.observation());
		assertThat(inserted.observation().rows()).isEqualTo(2);
		assertThat(inserted.isolation()).isEqualTo("repeatable read");
	}

	@Test
	void readsInAndOutsideTransactionsRunOnReplicas() {
		String marker = seededMarker();
		Routing.assertRead(this.ledger.read(marker), this.expectReplica);
		assertThat(this.ledger.read(marker).rows()).isEqualTo(1);
		Routing.assertRead(this.ledger.lookup(marker), this.expectReplica);
		assertThat(this.ledger.lookup(marker).rows()).isEqualTo(1);
	}

	@Test
	void aReadOnlySerializableTransactionSucceedsOnThePrimary() {
		String marker = seededMarker();
		Write report = this.ledger.serializableReport(marker);
		Routing.assertOnPrimary(report.observation());
		assertThat(report.observation().rows()).isEqualTo(1);
		assertThat(report.isolation()).isEqualTo("serializable");
	}

	/**
	 * One row written by the test on the primary and replayed by both replicas, so that the read tests do not
	 * depend on the application's writes.
	 */
	private static String seededMarker() {
		String marker = UUID.randomUUID().toString();
		ConformanceCluster.executeOnPrimary("insert into dj_entry (marker) values ('" + marker + "')");
		return marker;
	}

}
