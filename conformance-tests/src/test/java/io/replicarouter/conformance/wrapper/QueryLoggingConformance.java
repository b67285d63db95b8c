package io.replicarouter.conformance.wrapper;

import javax.sql.DataSource;

import io.replicarouter.conformance.ConformanceCluster;
import io.replicarouter.conformance.NotesConformance;
import io.replicarouter.conformance.openinview.OpenInViewApplication;
import net.ttddyy.dsproxy.support.ProxyDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notes contract against the open-in-view notes application with {@link QueryLogging} added, as a user adds
 * it, with routing on ({@code expectReplica}) or off.
 */
@SpringBootTest(classes = { OpenInViewApplication.class, QueryLogging.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
abstract class QueryLoggingConformance extends NotesConformance {

	QueryLoggingConformance(boolean expectReplica) {
		super(expectReplica);
	}

	@BeforeAll
	static void schema() {
		ConformanceCluster.executeOnPrimary(
				"create table if not exists oiv_note (id bigserial primary key, marker varchar(64) not null)");
	}

	@Autowired
	private DataSource dataSource;

	@Test
	void theApplicationUsesTheWrappedDataSource() {
		assertThat(this.dataSource).isInstanceOf(ProxyDataSource.class);
	}

}
