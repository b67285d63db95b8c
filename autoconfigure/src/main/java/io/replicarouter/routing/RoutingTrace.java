package io.replicarouter.routing;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Records, for the current thread, which nodes connections were bound to while a traced
 * piece of work ran. Used to learn which replica a failed read-only transaction used.
 * Costs one thread-local read per connection when no trace is active.
 */
final class RoutingTrace {

	private static final ThreadLocal<RoutingTrace> CURRENT = new ThreadLocal<>();

	private final List<DataSourceNode> nodes = new ArrayList<>(2);

	private final @Nullable RoutingTrace previous;

	private RoutingTrace(@Nullable RoutingTrace previous) {
		this.previous = previous;
	}

	static RoutingTrace start() {
		RoutingTrace trace = new RoutingTrace(CURRENT.get());
		CURRENT.set(trace);
		return trace;
	}

	static void record(DataSourceNode node) {
		RoutingTrace trace = CURRENT.get();
		if (trace != null) {
			trace.nodes.add(node);
		}
	}

	List<DataSourceNode> nodes() {
		return this.nodes;
	}

	void end() {
		if (this.previous != null) {
			this.previous.nodes.addAll(this.nodes);
			CURRENT.set(this.previous);
		}
		else {
			CURRENT.remove();
		}
	}

}
