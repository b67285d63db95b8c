package io.replicarouter.autoconfigure;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.routing.NodeRole;

/**
 * Callback to customize the connection pool of each node, the primary's and every
 * replica's, after the starter configured it from {@code spring.datasource.*} and
 * {@code replica-router.replicas[*]} and before it opens its first connection. Beans of
 * this type are applied in {@link org.springframework.core.annotation.Order @Order}
 * order; the last one wins where two set the same thing.
 *
 * <pre class="code">
 * &#64;Bean
 * ReplicaRouterPoolCustomizer leakDetection() {
 *     return (name, role, pool) -&gt; pool.setLeakDetectionThreshold(30_000);
 * }
 * </pre>
 */
@FunctionalInterface
public interface ReplicaRouterPoolCustomizer {

	/**
	 * Customize a node's pool.
	 * @param name the node's name ({@code primary} or the pool name of
	 * {@code spring.datasource}, {@code replica-<name>} for a replica)
	 * @param role whether the node is the primary or a replica
	 * @param pool the pool, not started yet
	 */
	void customize(String name, NodeRole role, HikariDataSource pool);

}
