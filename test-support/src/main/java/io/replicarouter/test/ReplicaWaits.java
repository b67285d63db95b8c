package io.replicarouter.test;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Waits on every replica of a cluster of either backend, within one overall timeout: replays of the primary's
 * WAL position and streaming. Replicas that are stopped, paused or promoted are skipped.
 */
final class ReplicaWaits {

	private ReplicaWaits() {
	}

	/**
	 * Waits until the replicas have replayed the target WAL position, read once, after the deadline was set.
	 */
	static void awaitReplication(Duration timeout, Supplier<String> target,
			Supplier<? extends List<? extends ReplicationNode>> replicas) {
		long deadline = System.nanoTime() + timeout.toNanos();
		String position = target.get();
		for (ReplicationNode replica : replicas.get()) {
			if (follows(replica)) {
				replica.awaitReplay(position, remaining(deadline));
			}
		}
	}

	/**
	 * Waits until the replicas stream WAL from the primary.
	 */
	static void awaitStreaming(Duration timeout, List<? extends ReplicationNode> replicas) {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (ReplicationNode replica : replicas) {
			if (follows(replica)) {
				replica.awaitStreaming(remaining(deadline));
			}
		}
	}

	/**
	 * Returns the primary's current WAL position.
	 * @throws IllegalStateException if the primary is not running or paused
	 */
	static String primaryWalPosition(ReplicationNode primary, Supplier<String> currentWalLsn) {
		if (!primary.isRunning() || primary.isPaused()) {
			throw new IllegalStateException("The primary is not running" + (primary.isPaused() ? " (paused)" : ""));
		}
		return currentWalLsn.get();
	}

	private static boolean follows(ReplicationNode replica) {
		return replica.isRunning() && !replica.isPaused() && !replica.isPromoted();
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

}
