package io.replicarouter.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring test against a PostgreSQL primary with streaming replicas: the cluster is
 * started (or reused: one per replica count and backend per JVM), its
 * {@link ReplicationCluster#springBootProperties() properties} ({@code spring.datasource.*},
 * {@code replica-router.replicas[i].url}) take precedence in the test's environment, and the
 * cluster is a bean, so the test can inject it to inject faults.
 *
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;WithReplicationCluster(replicas = 2)
 * class OrderServiceTests {
 *
 *     &#64;Autowired ReplicationCluster cluster;
 *
 *     &#64;Test
 *     void readsItsOwnWriteWhileReplicasLag() {
 *         cluster.replica(0).setReplayDelay(Duration.ofSeconds(2));
 *         ...
 *     }
 * }
 * </pre>
 *
 * The cluster outlives the test's context (contexts are cached and shared); it stops when
 * the JVM exits. A test that leaves a fault behind (a stopped node, a delay) should undo it.
 * Needs {@code spring-test} on the class path.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface WithReplicationCluster {

	/**
	 * Returns how many replicas the cluster has.
	 * @return the number of replicas
	 */
	int replicas() default 2;

	/**
	 * Returns what runs the cluster.
	 * @return the backend; {@link ReplicationCluster.Backend#AUTO} uses Docker when available
	 */
	ReplicationCluster.Backend backend() default ReplicationCluster.Backend.EMBEDDED;

}
