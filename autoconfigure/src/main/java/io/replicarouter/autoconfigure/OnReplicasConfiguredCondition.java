package io.replicarouter.autoconfigure;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when at least one entry of {@code replica-router.replicas} is configured, in
 * any form Boot binds (YAML list, indexed properties, environment variables), when a
 * Patroni REST API address ({@code replica-router.patroni.urls}) whose cluster gives the
 * replicas is set, or when a {@link ReplicaConnectionDetails} bean is defined (a
 * Testcontainers or Docker Compose service connection).
 * <p>
 * Evaluated when beans are registered, not when configuration classes are parsed: the
 * connection details of {@code @Bean} containers are registered by Boot's
 * {@code ServiceConnectionAutoConfiguration}, which runs first, only then.
 */
class OnReplicasConfiguredCondition extends SpringBootCondition implements ConfigurationCondition {

	private static final String REPLICAS = ReplicaRouterProperties.PREFIX + ".replicas";

	static final String PATRONI_URLS = PatroniProperties.PREFIX + ".urls";

	/**
	 * Whether a Patroni REST API address is set.
	 */
	static boolean isPatroniConfigured(Binder binder) {
		return binder.bind(PATRONI_URLS, Bindable.listOf(String.class))
			.map((urls) -> urls.stream().anyMatch((url) -> !url.isBlank()))
			.orElse(false);
	}

	@Override
	public ConfigurationPhase getConfigurationPhase() {
		return ConfigurationPhase.REGISTER_BEAN;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("Replicas configured");
		Binder binder = Binder.get(context.getEnvironment());
		boolean configured = binder.bind(REPLICAS, Bindable.listOf(ReplicaRouterProperties.Replica.class))
			.map((replicas) -> !replicas.isEmpty())
			.orElse(false);
		if (configured) {
			return ConditionOutcome.match(message.found("property").items(REPLICAS));
		}
		if (isPatroniConfigured(binder)) {
			return ConditionOutcome.match(message.found("property").items(PATRONI_URLS));
		}
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		String[] services = (beanFactory != null) ? ServiceReplica.beanNames(beanFactory) : new String[0];
		if (services.length > 0) {
			return ConditionOutcome.match(message.found("ReplicaConnectionDetails bean", "ReplicaConnectionDetails beans")
				.items((Object[]) services));
		}
		return ConditionOutcome.noMatch(message.didNotFind("property").items(REPLICAS, PATRONI_URLS)
			.append("and no ReplicaConnectionDetails bean"));
	}

}
