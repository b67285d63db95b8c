package io.replicarouter.sample.demo;

import java.util.Map;

/**
 * What a workload run did and where the database work went.
 * @param seconds how long it ran
 * @param threads how many threads ran it
 * @param operations operations completed
 * @param failures operations that failed
 * @param operationsPerSecond throughput
 * @param routed connections bound to each node, by reason, during the run
 * @param fallbacks reads that ran on the primary because no replica was eligible
 * @param readYourWritesPairs rename-then-read pairs
 * @param staleReads pairs whose read did not see the rename
 */
public record WorkloadReport(int seconds, int threads, long operations, long failures, double operationsPerSecond,
		Map<String, Map<String, Long>> routed, long fallbacks, long readYourWritesPairs, long staleReads) {
}
