package io.replicarouter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects every problem of a configuration before failing, so that one failed start
 * reports all of them instead of one per attempt.
 */
final class ConfigurationProblems {

	private final List<InvalidReplicaRouterConfigurationException> problems = new ArrayList<>();

	/**
	 * Record a problem.
	 * @param property the property at fault
	 * @param problem what is wrong with it
	 * @param action how to fix it
	 */
	void add(String property, String problem, String action) {
		this.problems.add(new InvalidReplicaRouterConfigurationException(property, problem, action));
	}

	/**
	 * Record a problem found elsewhere.
	 * @param problem the problem
	 */
	void add(InvalidReplicaRouterConfigurationException problem) {
		this.problems.add(problem);
	}

	/**
	 * Throw if any problem was recorded: the problem itself when there is one, else an
	 * exception that lists them all.
	 * @throws InvalidReplicaRouterConfigurationException if there is a problem
	 */
	void throwIfAny() {
		if (this.problems.size() == 1) {
			throw this.problems.get(0);
		}
		if (!this.problems.isEmpty()) {
			throw new InvalidReplicaRouterConfigurationException(this.problems);
		}
	}

}
