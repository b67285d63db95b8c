package io.replicarouter.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether the topology comes from Patroni ({@code replica-router.patroni.urls} is set).
 */
abstract class OnPatroniCondition extends SpringBootCondition {

	private final boolean expected;

	OnPatroniCondition(boolean expected) {
		this.expected = expected;
	}

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("Patroni topology");
		boolean configured = OnReplicasConfiguredCondition.isPatroniConfigured(Binder.get(context.getEnvironment()));
		ConditionMessage outcome = configured ? message.found("property").items(OnReplicasConfiguredCondition.PATRONI_URLS)
				: message.didNotFind("property").items(OnReplicasConfiguredCondition.PATRONI_URLS);
		return new ConditionOutcome(configured == this.expected, outcome);
	}

	/**
	 * Matches when the Patroni REST API is configured.
	 */
	static final class Configured extends OnPatroniCondition {

		Configured() {
			super(true);
		}

	}

	/**
	 * Matches when it is not: the topology is the configuration's.
	 */
	static final class NotConfigured extends OnPatroniCondition {

		NotConfigured() {
			super(false);
		}

	}

}
