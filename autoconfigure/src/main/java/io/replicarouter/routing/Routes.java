package io.replicarouter.routing;

import org.jspecify.annotations.Nullable;

/**
 * Where the last connection taken on the current thread went, for tests and diagnostics:
 * {@code Routes.lastOnThisThread()} after a transaction says which node served it and why.
 * Recording costs one thread-local write per connection, no allocation.
 */
public final class Routes {

	private static final ThreadLocal<Object[]> LAST = ThreadLocal.withInitial(() -> new Object[2]);

	private Routes() {
	}

	/**
	 * Return where the last connection bound on this thread went.
	 * @return the route, or {@code null} if no connection was bound on this thread yet
	 */
	public static @Nullable Route lastOnThisThread() {
		Object[] last = LAST.get();
		return (last[0] != null) ? new Route((DataSourceNode) last[0], (RoutingReason) last[1]) : null;
	}

	/**
	 * Forget the last route of this thread.
	 */
	public static void clear() {
		Object[] last = LAST.get();
		last[0] = null;
		last[1] = null;
	}

	static void record(DataSourceNode node, RoutingReason reason) {
		Object[] last = LAST.get();
		last[0] = node;
		last[1] = reason;
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
