package io.replicarouter.routing;

import java.sql.Connection;

import io.micrometer.observation.Observation;
import io.replicarouter.WalPosition;

/**
 * One routing decision: the physical connection a unit of work got, from which node, why,
 * and the position of the data it reads. {@link ReplicaRoutingDataSource#acquire} makes and
 * records it; {@link ReplicaRoutingDataSource#released(Binding)} undoes what was recorded;
 * the lazy handle holds it in between.
 * <p>
 * A value, not a record, only so that an observed binding ({@link #observedBy}) can carry
 * its observation in a subclass: an unobserved binding, the one every transaction of an
 * application without an observation registry makes, stays as small as it was.
 */
class Binding {

	private final Connection connection;

	private final DataSourceNode node;

	private final RoutingReason reason;

	private final WalPosition position;

	private final boolean mayWrite;

	/**
	 * Create a binding.
	 * @param connection the physical connection, from the node's pool
	 * @param node the node
	 * @param reason why the work runs there
	 * @param position the position of the data the work reads: what the replica had
	 * replayed, {@link WalPosition#CURRENT} on the primary
	 * @param mayWrite whether the work may write on the primary (read-write work, or work
	 * in auto-commit mode, there), so that its end is recorded for read-your-writes
	 */
	Binding(Connection connection, DataSourceNode node, RoutingReason reason, WalPosition position,
			boolean mayWrite) {
		this.connection = connection;
		this.node = node;
		this.reason = reason;
		this.position = position;
		this.mayWrite = mayWrite;
	}

	Connection connection() {
		return this.connection;
	}

	DataSourceNode node() {
		return this.node;
	}

	RoutingReason reason() {
		return this.reason;
	}

	WalPosition position() {
		return this.position;
	}

	boolean mayWrite() {
		return this.mayWrite;
	}

	/**
	 * Return the observation of the binding, stopped when it is released.
	 * @return the observation, {@link Observation#NOOP} when nothing observes
	 */
	Observation observation() {
		return Observation.NOOP;
	}

	/**
	 * Return this binding for work that may write.
	 * @return the binding
	 */
	Binding forWorkThatMayWrite() {
		return this.mayWrite ? this : new Binding(this.connection, this.node, this.reason, this.position, true);
	}

	/**
	 * Return this binding, observed by the given observation.
	 * @param observation the observation
	 * @return the binding
	 */
	Binding observedBy(Observation observation) {
		return observation.isNoop() ? this : new Observed(this, observation);
	}

	@Override
	public String toString() {
		return "Binding[node=" + this.node.name() + ", reason=" + this.reason + ", position=" + this.position + "]";
	}

	/**
	 * A binding with its observation.
	 */
	private static final class Observed extends Binding {

		private final Observation observation;

		Observed(Binding binding, Observation observation) {
			super(binding.connection, binding.node, binding.reason, binding.position, binding.mayWrite);
			this.observation = observation;
		}

		@Override
		Observation observation() {
			return this.observation;
		}

	}

}
