package io.replicarouter.test;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit Jupiter extension that starts a {@link PostgresReplicationCluster} before the first test of a class
 * and closes it after the last one. Register it in a <em>static</em> field:
 * <pre>{@code
 * class MyIT {
 *     @RegisterExtension
 *     static PostgresReplicationClusterExtension cluster = PostgresReplicationClusterExtension.withReplicas(2);
 *
 *     @Test
 *     void readsFromReplica() throws SQLException {
 *         try (Connection connection = cluster.cluster().replica(0).connect()) { ... }
 *     }
 *
 *     @Test
 *     void orAsAParameter(PostgresReplicationCluster cluster) { ... }
 * }
 * }</pre>
 * Test methods, lifecycle methods and constructors can declare a {@link PostgresReplicationCluster} parameter.
 * {@code @ExtendWith(PostgresReplicationClusterExtension.class)} works too, with a default cluster (2 replicas).
 * {@code @Nested} classes share their enclosing class's cluster. With {@link #shared(int)} the extension hands
 * out the JVM-wide {@linkplain PostgresReplicationCluster#shared(int) shared cluster} and never closes it.
 */
public final class PostgresReplicationClusterExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

	private final Supplier<PostgresReplicationCluster> factory;

	private final boolean shared;

	private @Nullable PostgresReplicationCluster cluster;

	private @Nullable String owner;

	/**
	 * Creates an extension with a default cluster (2 replicas, user, password and database {@code postgres}),
	 * for {@code @ExtendWith}.
	 */
	public PostgresReplicationClusterExtension() {
		this(() -> PostgresReplicationCluster.builder().build(), false);
	}

	private PostgresReplicationClusterExtension(Supplier<PostgresReplicationCluster> factory, boolean shared) {
		this.factory = factory;
		this.shared = shared;
	}

	/**
	 * Creates an extension whose cluster has the given number of replicas and default settings.
	 * @param replicas the number of replicas, at least 0
	 * @return a new extension
	 */
	public static PostgresReplicationClusterExtension withReplicas(int replicas) {
		PostgresReplicationCluster.Builder builder = PostgresReplicationCluster.builder().replicas(replicas);
		return new PostgresReplicationClusterExtension(builder::build, false);
	}

	/**
	 * Creates an extension whose cluster is built by the given builder (when the test class starts).
	 * @param builder a configured builder
	 * @return a new extension
	 */
	public static PostgresReplicationClusterExtension of(PostgresReplicationCluster.Builder builder) {
		return new PostgresReplicationClusterExtension(builder::build, false);
	}

	/**
	 * Creates an extension that hands out {@link PostgresReplicationCluster#shared(int)} and leaves it running
	 * after the class: for test classes that inject no faults.
	 * @param replicas the number of replicas, at least 0
	 * @return a new extension
	 */
	public static PostgresReplicationClusterExtension shared(int replicas) {
		return new PostgresReplicationClusterExtension(() -> PostgresReplicationCluster.shared(replicas), true);
	}

	/**
	 * Returns the started cluster, starting it first if needed (for example when used before
	 * {@link #beforeAll(ExtensionContext)}, from a static initializer).
	 * @return the running cluster
	 */
	public synchronized PostgresReplicationCluster cluster() {
		PostgresReplicationCluster current = this.cluster;
		if (current == null || current.isClosed()) {
			current = this.factory.get();
			this.cluster = current;
		}
		return current.start();
	}

	/**
	 * Starts the cluster before the first test of the class that registered the extension.
	 * @param context the class's context
	 */
	@Override
	public synchronized void beforeAll(ExtensionContext context) {
		if (this.owner == null) {
			this.owner = context.getUniqueId();
		}
		cluster();
	}

	/**
	 * Closes the cluster after the last test of the class that registered the extension (not after a
	 * {@code @Nested} class, and never for a shared cluster).
	 * @param context the class's context
	 */
	@Override
	public synchronized void afterAll(ExtensionContext context) {
		if (!context.getUniqueId().equals(this.owner)) {
			return;
		}
		this.owner = null;
		PostgresReplicationCluster current = this.cluster;
		this.cluster = null;
		if (current != null && !this.shared) {
			current.close();
		}
	}

	/**
	 * Supports parameters of type {@link PostgresReplicationCluster}.
	 * @param parameterContext the parameter
	 * @param extensionContext the context
	 * @return whether the parameter is a {@link PostgresReplicationCluster}
	 */
	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == PostgresReplicationCluster.class;
	}

	/**
	 * Resolves a {@link PostgresReplicationCluster} parameter to the running cluster.
	 * @param parameterContext the parameter
	 * @param extensionContext the context
	 * @return the cluster
	 */
	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return cluster();
	}

	/**
	 * Describes the extension and its cluster.
	 * @return a description without secrets
	 */
	@Override
	public String toString() {
		return "PostgresReplicationClusterExtension[" + (this.shared ? "shared, " : "") + this.cluster + "]";
	}

}
