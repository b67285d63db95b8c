package io.replicarouter.test;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Implements {@link WithReplicationCluster}; registered in {@code META-INF/spring.factories}.
 */
class ReplicationClusterContextCustomizerFactory implements ContextCustomizerFactory {

	private static final Map<String, ReplicationCluster> CLUSTERS = new ConcurrentHashMap<>();

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		WithReplicationCluster annotation = MergedAnnotations.from(testClass, SearchStrategy.TYPE_HIERARCHY)
			.get(WithReplicationCluster.class)
			.synthesize((merged) -> merged.isPresent())
			.orElse(null);
		if (annotation == null) {
			return null;
		}
		return new Customizer(annotation.replicas(), annotation.backend().resolve());
	}

	static ReplicationCluster cluster(int replicas, ReplicationCluster.Backend backend) {
		if (backend == ReplicationCluster.Backend.EMBEDDED) {
			return PostgresReplicationCluster.shared(replicas);
		}
		return CLUSTERS.computeIfAbsent(backend + "-" + replicas, (key) -> {
			ReplicationCluster cluster = ReplicationCluster.builder().backend(backend).replicas(replicas).build();
			Runtime.getRuntime().addShutdownHook(new Thread(cluster::close, "replica-router-test-cluster"));
			return cluster.start();
		});
	}

	private static final class Customizer implements ContextCustomizer {

		private final int replicas;

		private final ReplicationCluster.Backend backend;

		Customizer(int replicas, ReplicationCluster.Backend backend) {
			this.replicas = replicas;
			this.backend = backend;
		}

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
			ReplicationCluster cluster = cluster(this.replicas, this.backend);
			Map<String, Object> properties = Map.copyOf(cluster.springBootProperties());
			context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("replicationCluster", properties));
			context.getBeanFactory().registerSingleton("replicationCluster", cluster);
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return other instanceof Customizer customizer && customizer.replicas == this.replicas
					&& customizer.backend == this.backend;
		}

		@Override
		public int hashCode() {
			return Objects.hash(this.replicas, this.backend);
		}

	}

}
