package io.replicarouter.test;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.routing.Routes;
import io.replicarouter.routing.Routes.Route;
import io.replicarouter.routing.RoutingReason;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * AssertJ assertions on where replica-router sent work, for tests of applications that use
 * it (needs the starter and AssertJ on the test class path).
 *
 * <pre class="code">
 * orders.find(42);
 * RoutingAssertions.assertThatLastRoute().wentToAReplica().because(RoutingReason.READ_ONLY);
 *
 * RoutingCounts counts = RoutingAssertions.countRoutes(dataSource);
 * for (int i = 0; i &lt; 100; i++) { orders.find(i); }
 * assertThat(counts.sinceStart()).containsOnlyKeys("replica-1", "replica-2");
 * </pre>
 *
 * What the router decided is not proof of what the server did; to prove a statement ran on
 * a replica, ask the server ({@code select pg_is_in_recovery()}) inside the transaction.
 */
public final class RoutingAssertions {

	private RoutingAssertions() {
	}

	/**
	 * Assert on where the last connection taken on this thread went.
	 * @return the assertion
	 */
	public static LastRouteAssert assertThatLastRoute() {
		return new LastRouteAssert(Routes.lastOnThisThread());
	}

	/**
	 * Start counting the connections a router binds, per node, from now on.
	 * @param dataSource the application's {@code DataSource} (replica-router's)
	 * @return the counts
	 */
	public static RoutingCounts countRoutes(DataSource dataSource) {
		return new RoutingCounts(router(dataSource));
	}

	private static ReplicaRoutingDataSource router(DataSource dataSource) {
		if (dataSource instanceof ReplicaRoutingDataSource router) {
			return router;
		}
		try {
			return dataSource.unwrap(ReplicaRoutingDataSource.class);
		}
		catch (SQLException ex) {
			throw new IllegalArgumentException("Not a replica-router DataSource: " + dataSource, ex);
		}
	}

	/**
	 * Assertions on a {@link Route}.
	 */
	public static final class LastRouteAssert extends AbstractAssert<LastRouteAssert, @Nullable Route> {

		LastRouteAssert(@Nullable Route actual) {
			super(actual, LastRouteAssert.class);
		}

		/**
		 * Verify that the route went to the named node.
		 * @param node the node's name, for example {@code replica-1} or {@code primary}
		 * @return this assertion
		 */
		public LastRouteAssert wentTo(String node) {
			isNotNull();
			if (!this.actual.nodeName().equals(node)) {
				failWithMessage("Expected the last connection to go to <%s> but it went to <%s> (%s)", node,
						this.actual.nodeName(), this.actual.reason());
			}
			return this;
		}

		/**
		 * Verify that the route went to a replica.
		 * @return this assertion
		 */
		public LastRouteAssert wentToAReplica() {
			return wentTo(NodeRole.REPLICA);
		}

		/**
		 * Verify that the route went to the primary.
		 * @return this assertion
		 */
		public LastRouteAssert wentToThePrimary() {
			return wentTo(NodeRole.PRIMARY);
		}

		/**
		 * Verify why the route went where it went.
		 * @param reason the expected reason
		 * @return this assertion
		 */
		public LastRouteAssert because(RoutingReason reason) {
			isNotNull();
			if (this.actual.reason() != reason) {
				failWithMessage("Expected the last connection to be routed because of <%s> but it was <%s> (to %s)",
						reason, this.actual.reason(), this.actual.nodeName());
			}
			return this;
		}

		private LastRouteAssert wentTo(NodeRole role) {
			isNotNull();
			if (this.actual.node().role() != role) {
				failWithMessage("Expected the last connection to go to the %s but it went to <%s> (%s)",
						role.name().toLowerCase(), this.actual.nodeName(), this.actual.reason());
			}
			return this;
		}

	}

	/**
	 * Connections a router bound, per node, since the counts were started.
	 */
	public static final class RoutingCounts {

		private final ReplicaRoutingDataSource router;

		private final Map<String, Long> start;

		RoutingCounts(ReplicaRoutingDataSource router) {
			this.router = router;
			this.start = totals();
		}

		/**
		 * Return the connections bound to each node since the counts started; nodes that
		 * got none are left out.
		 * @return the counts, by node name
		 */
		public Map<String, Long> sinceStart() {
			Map<String, Long> since = new LinkedHashMap<>();
			totals().forEach((node, total) -> {
				long count = total - this.start.getOrDefault(node, 0L);
				if (count > 0) {
					since.put(node, count);
				}
			});
			return since;
		}

		private Map<String, Long> totals() {
			Map<String, Long> totals = new LinkedHashMap<>();
			for (DataSourceNode node : this.router.getNodes().all()) {
				long total = 0;
				for (RoutingReason reason : RoutingReason.values()) {
					total += this.router.getStatistics().count(node, reason);
				}
				totals.put(node.name(), total);
			}
			return totals;
		}

	}

}
