package io.replicarouter.conformance.openinview;

import io.replicarouter.conformance.ConformanceCluster;
import io.replicarouter.conformance.NotesConformance;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The notes contract against {@link OpenInViewApplication}, with routing on ({@code expectReplica}) or off; the
 * connection-handling and lazy-fetch tests run it again with the one setting a user changed.
 */
@SpringBootTest(classes = OpenInViewApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
public abstract class OpenInViewConformance extends NotesConformance {

	protected OpenInViewConformance(boolean expectReplica) {
		super(expectReplica);
	}

	@BeforeAll
	static void schema() {
		ConformanceCluster.executeOnPrimary(
				"create table if not exists oiv_note (id bigserial primary key, marker varchar(64) not null)");
	}

}
