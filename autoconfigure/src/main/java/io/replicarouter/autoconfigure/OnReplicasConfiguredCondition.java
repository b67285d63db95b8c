package io.replicarouter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when at least one entry of {@code replica-router.replicas} is configured, in
 * any form Boot binds (YAML list, indexed properties, environment variables).
 */
class OnReplicasConfiguredCondition extends SpringBootCondition {

	private static final String REPLICAS = ReplicaRouterProperties.PREFIX + ".replicas";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("Replicas configured");
		boolean configured = Binder.get(context.getEnvironment())
			.bind(REPLICAS, Bindable.listOf(ReplicaRouterProperties.Replica.class))
			.map((replicas) -> !replicas.isEmpty())
			.orElse(false);
		return configured ? ConditionOutcome.match(message.found("property").items(REPLICAS))
				: ConditionOutcome.noMatch(message.didNotFind("property").items(REPLICAS));
	}

}
