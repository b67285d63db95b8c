package io.replicarouter.conformance.connectionhandling;

import io.replicarouter.conformance.ConformanceCluster;
import io.replicarouter.conformance.NotesConformance;
import org.junit.jupiter.api.BeforeAll;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The notes contract against {@link ConnectionHandlingApplication}, with routing on ({@code expectReplica}) or off.
 */
@SpringBootTest(classes = ConnectionHandlingApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
abstract class ConnectionHandlingConformance extends NotesConformance {

	ConnectionHandlingConformance(boolean expectReplica) {
		super(expectReplica);
	}

	@BeforeAll
	static void schema() {
		ConformanceCluster.executeOnPrimary(
				"create table if not exists ch_note (id bigserial primary key, marker varchar(64) not null)");
	}

}
