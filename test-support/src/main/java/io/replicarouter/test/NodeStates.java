package io.replicarouter.test;

/**
 * Checks that a node of either backend is in the state an operation needs; each method throws
 * {@link IllegalStateException} otherwise.
 */
final class NodeStates {

	private NodeStates() {
	}

	/**
	 * Requires a replica; one that was promoted is refused, except to {@code "be promoted"} again.
	 */
	static void requireReplica(ReplicationNode node, String action) {
		if (node.isPrimaryRole()) {
			throw new IllegalStateException("The primary cannot " + action + ": only replicas can");
		}
		if (node.isPromoted() && !action.equals("be promoted")) {
			throw new IllegalStateException(node.name() + " was promoted and cannot " + action + " any more");
		}
	}

	static void requireRunning(ReplicationNode node) {
		if (!node.isRunning()) {
			throw new IllegalStateException(node.name() + " is not running");
		}
	}

}
