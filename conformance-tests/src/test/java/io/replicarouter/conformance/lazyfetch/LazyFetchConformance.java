package io.replicarouter.conformance.lazyfetch;

import io.replicarouter.conformance.ConformanceCluster;
import io.replicarouter.conformance.NotesConformance;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The notes contract against {@link LazyFetchApplication}, with routing on ({@code expectReplica}) or off.
 */
@SpringBootTest(classes = LazyFetchApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
abstract class LazyFetchConformance extends NotesConformance {

	LazyFetchConformance(boolean expectReplica) {
		super(expectReplica);
	}

	@BeforeAll
	static void schema() {
		ConformanceCluster.executeOnPrimary(
				"create table if not exists lz_note (id bigserial primary key, marker varchar(64) not null)");
	}

}
