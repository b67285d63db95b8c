package io.replicarouter.autoconfigure;

import io.replicarouter.replica.NodesUnavailableAtStartupException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link NodesUnavailableAtStartupException} into Boot's "APPLICATION FAILED TO
 * START" report.
 */
class NodesUnavailableAtStartupFailureAnalyzer extends AbstractFailureAnalyzer<NodesUnavailableAtStartupException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NodesUnavailableAtStartupException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Fix each node as described above, or set replica-router.fail-fast=false to start anyway: a replica "
						+ "then joins when it becomes healthy, and the primary is retried on use.",
				cause);
	}

}
