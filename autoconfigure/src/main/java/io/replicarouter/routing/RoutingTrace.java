package io.replicarouter.routing;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Records, for the current thread, which nodes connections were bound to while a traced
 * piece of work ran. Used to learn which replica a failed read-only transaction used.
 */
final class RoutingTrace {

	private final List<DataSourceNode> nodes = new ArrayList<>(2);

	private boolean primaryInsteadOfReplica;

	private boolean connectionLost;

	private boolean boundForWriting;

	private final RoutingThreadState state;

	private final @Nullable RoutingTrace previous;

	private final boolean retry;

	private RoutingTrace(RoutingThreadState state, @Nullable RoutingTrace previous, boolean retry) {
		this.state = state;
		this.previous = previous;
		this.retry = retry || (previous != null && previous.retry);
	}

	/**
	 * Start tracing an attempt of a piece of work on this thread.
	 * @param attempt the attempt, 1 for the first
	 * @return the trace
	 */
	static RoutingTrace start(int attempt) {
		RoutingThreadState state = RoutingThreadState.current();
		RoutingTrace trace = new RoutingTrace(state, state.trace, attempt > 1);
		state.trace = trace;
		return trace;
	}

	void add(DataSourceNode node, RoutingReason reason) {
		this.nodes.add(node);
		if (node.role() == NodeRole.PRIMARY && (reason == RoutingReason.READ_WRITE
				|| reason == RoutingReason.NON_TRANSACTIONAL_READ)) {
			this.boundForWriting = true;
		}
		if (node.role() == NodeRole.PRIMARY && reason.standsInForAReplica()) {
			this.primaryInsteadOfReplica = true;
		}
	}

	/**
	 * Return whether read-only work ran on the primary only because no replica could take
	 * it then (read-your-writes, or fallback) or as its share of reads: run again, it may
	 * run on a replica.
	 * @return whether the primary stood in for a replica
	 */
	boolean usedPrimaryInsteadOfReplica() {
		return this.primaryInsteadOfReplica;
	}

	/**
	 * Record that a connection of the traced work broke (found when its transaction ended),
	 * even if the error the caller sees no longer says so: an ORM may swallow the
	 * statement's error and leave only a transaction marked rollback-only.
	 */
	void connectionLost() {
		this.connectionLost = true;
	}

	/**
	 * Return whether a connection of the traced work broke.
	 * @return whether one did
	 */
	boolean lostConnection() {
		return this.connectionLost;
	}

	/**
	 * Return whether the traced work got a connection of the primary for work that may
	 * write, so that something may have been written.
	 * @return whether it did
	 */
	boolean boundForWriting() {
		return this.boundForWriting;
	}

	/**
	 * Return whether the traced work, or work it runs in, is an attempt after the first.
	 * @return whether it runs again
	 */
	boolean isRetry() {
		return this.retry;
	}

	List<DataSourceNode> nodes() {
		return this.nodes;
	}

	void end() {
		if (this.previous != null) {
			this.previous.nodes.addAll(this.nodes);
			this.previous.primaryInsteadOfReplica |= this.primaryInsteadOfReplica;
			this.previous.connectionLost |= this.connectionLost;
			this.previous.boundForWriting |= this.boundForWriting;
		}
		this.state.trace = this.previous;
	}

}
