package io.replicarouter.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns an {@link InvalidReplicaRouterConfigurationException} into Boot's "APPLICATION
 * FAILED TO START" report, naming the property and the fix.
 */
class InvalidReplicaRouterConfigurationFailureAnalyzer
		extends AbstractFailureAnalyzer<InvalidReplicaRouterConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidReplicaRouterConfigurationException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.getAction(), cause);
	}

}
