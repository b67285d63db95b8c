package io.replicarouter.routing;

import org.jspecify.annotations.Nullable;

/**
 * Where the last connection taken on the current thread went, for tests and diagnostics:
 * {@code Routes.lastOnThisThread()} after a transaction says which node served it and why.
 * Recording costs no allocation: it shares the router's single per-thread state.
 */
public final class Routes {

	private Routes() {
	}

	/**
	 * Return where the last connection bound on this thread went.
	 * @return the route, or {@code null} if no connection was bound on this thread yet
	 */
	public static @Nullable Route lastOnThisThread() {
		RoutingThreadState state = RoutingThreadState.current();
		DataSourceNode node = state.lastNode;
		RoutingReason reason = state.lastReason;
		return (node != null && reason != null) ? new Route(node, reason) : null;
	}

	/**
	 * Forget the last route of this thread.
	 */
	public static void clear() {
		RoutingThreadState state = RoutingThreadState.current();
		state.lastNode = null;
		state.lastReason = null;
	}

	/**
	 * Where a connection went.
	 * @param node the node it was bound to
	 * @param reason why
	 */
	public record Route(DataSourceNode node, RoutingReason reason) {

		/**
		 * Return the node's name.
		 * @return the name, for example {@code replica-1}
		 */
		public String nodeName() {
			return this.node.name();
		}

	}

}
