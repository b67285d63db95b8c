package io.replicarouter.routing;

import java.sql.Connection;

import io.micrometer.observation.Observation;
import io.replicarouter.WalPosition;

/**
 * One routing decision: the physical connection a unit of work got, from which node, why,
 * and the position of the data it reads. {@link ReplicaRoutingDataSource#acquire} makes and
 * records it; {@link ReplicaRoutingDataSource#released(Binding)} undoes what was recorded;
 * the lazy handle holds it in between.
 *
 * @param connection the physical connection, from the node's pool
 * @param node the node
 * @param reason why the work runs there
 * @param position the position of the data the work reads: what the replica had replayed,
 * {@link WalPosition#CURRENT} on the primary
 * @param mayWrite whether the work may write on the primary (read-write work, or work in
 * auto-commit mode, there), so that its end is recorded for read-your-writes
 * @param observation the observation of the binding, stopped when it is released;
 * {@link Observation#NOOP} when nothing observes
 */
record Binding(Connection connection, DataSourceNode node, RoutingReason reason, WalPosition position,
		boolean mayWrite, Observation observation) {

	Binding(Connection connection, DataSourceNode node, RoutingReason reason, WalPosition position,
			boolean mayWrite) {
		this(connection, node, reason, position, mayWrite, Observation.NOOP);
	}

	/**
	 * Return this binding for work that may write.
	 * @return the binding
	 */
	Binding forWorkThatMayWrite() {
		return this.mayWrite ? this
				: new Binding(this.connection, this.node, this.reason, this.position, true, this.observation);
	}

	/**
	 * Return this binding, observed by the given observation.
	 * @param observation the observation
	 * @return the binding
	 */
	Binding observedBy(Observation observation) {
		return observation.isNoop() ? this
				: new Binding(this.connection, this.node, this.reason, this.position, this.mayWrite, observation);
	}

}
