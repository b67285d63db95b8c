package io.replicarouter.autoconfigure;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Checks, when the application runs from AOT-generated code, that the replica pool beans
 * fixed at build time match the replicas configured now. {@link ReplicaPoolsRegistrar}
 * runs only during AOT processing, so the number of {@code replicaRouterReplica<i>DataSource}
 * beans is the number of {@code replica-router.replicas} entries the build saw; a
 * different number at run time would otherwise fail with a missing bean or an index out
 * of bounds that does not say why.
 */
final class AotReplicaPools {

	private AotReplicaPools() {
	}

	/**
	 * Fail when, under AOT, the pool beans and the configured replicas differ in number.
	 * @param beanFactory the bean factory
	 * @param configured the number of {@code replica-router.replicas} entries
	 * @throws InvalidReplicaRouterConfigurationException if they differ
	 */
	static void check(ListableBeanFactory beanFactory, int configured) {
		if (!AotDetector.useGeneratedArtifacts()) {
			return;
		}
		int built = 0;
		while (beanFactory.containsBeanDefinition(ReplicaPoolsRegistrar.beanName(built))) {
			built++;
		}
		if (built != configured) {
			throw mismatch(configured, String.valueOf(built));
		}
	}

	/**
	 * The failure of an application started with other replicas than it was AOT-processed
	 * with.
	 * @param configured the number of replicas configured now
	 * @param built how many pools the AOT processing built
	 * @return the exception
	 */
	static InvalidReplicaRouterConfigurationException mismatch(int configured, String built) {
		return new InvalidReplicaRouterConfigurationException(ReplicaRouterProperties.PREFIX + ".replicas",
				configured + " replica(s) are configured, but the application was AOT-processed with " + built
						+ " (the replica pools are fixed when spring-boot:process-aot runs)",
				"Give replica-router.replicas as many entries at build time as at run time, "
						+ "or run without spring.aot.enabled");
	}

}
