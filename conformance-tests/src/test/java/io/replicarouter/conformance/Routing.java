package io.replicarouter.conformance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Assertions on which node served an {@link Observation}.
 */
public final class Routing {

	private Routing() {
	}

	/**
	 * Asserts a read ran on a replica when routing is on, on the primary in the control run.
	 * @param observation what the read saw
	 * @param expectReplica whether routing is on
	 */
	public static void assertRead(Observation observation, boolean expectReplica) {
		if (expectReplica) {
			assertThat(observation.inRecovery()).as("%s: expected a replica", observation).isTrue();
			assertThat(observation.port()).as("%s", observation).isNotEqualTo(ConformanceCluster.primaryPort());
		}
		else {
			assertOnPrimary(observation);
		}
	}

	public static void assertOnPrimary(Observation observation) {
		assertThat(observation.inRecovery()).as("%s: expected the primary", observation).isFalse();
		assertThat(observation.port()).as("%s: expected the primary", observation)
			.isEqualTo(ConformanceCluster.primaryPort());
	}

	/**
	 * Asserts a read that must see an earlier write: any node that replayed it when routing is
	 * on, the primary in the control run.
	 * @param observation what the read saw
	 * @param expectReplica whether routing is on
	 * @param rows how many rows it must see
	 */
	public static void assertReadSees(Observation observation, boolean expectReplica, long rows) {
		assertThat(observation.rows()).as("%s: expected to see the write", observation).isEqualTo(rows);
		if (!expectReplica) {
			assertOnPrimary(observation);
		}
	}

}
