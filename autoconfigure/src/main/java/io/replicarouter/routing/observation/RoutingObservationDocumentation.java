package io.replicarouter.routing.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations replica-router makes.
 */
public enum RoutingObservationDocumentation implements ObservationDocumentation {

	/**
	 * One routed connection binding: from the moment a unit of work (a transaction, or a
	 * statement in auto-commit mode) asks for a connection until it gives it back. Its
	 * duration includes the wait for a connection of the node's pool.
	 */
	CONNECTION_BINDING {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultRoutingObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeys.values();
		}

	};

	/**
	 * The low-cardinality keys of a binding.
	 */
	public enum LowCardinalityKeys implements KeyName {

		/**
		 * Where the work went: {@code primary} or {@code replica}.
		 */
		ROUTE {
			@Override
			public String asString() {
				return "route";
			}
		},

		/**
		 * The name of the node that gave the connection, {@code none} when none could.
		 */
		NODE {
			@Override
			public String asString() {
				return "node";
			}
		},

		/**
		 * Why the work runs there: {@code read_write}, {@code read_only},
		 * {@code primary_read} (pinned), {@code consistency} (read-your-writes),
		 * {@code fallback}, {@code primary_share}, {@code serializable_read} or
		 * {@code non_transactional_read}: the values of the {@code replica.router.routing}
		 * counter's {@code reason} tag.
		 */
		REASON {
			@Override
			public String asString() {
				return "reason";
			}
		},

		/**
		 * Whether the work runs again after a node failed under an earlier attempt:
		 * {@code true} or {@code false}.
		 */
		RETRY {
			@Override
			public String asString() {
				return "retry";
			}
		},

		/**
		 * The replica group the read asked for; present only where replicas are grouped.
		 */
		GROUP {
			@Override
			public String asString() {
				return "group";
			}

			@Override
			public boolean isRequired() {
				return false;
			}
		}

	}

}
