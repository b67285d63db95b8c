package io.replicarouter.autoconfigure;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown at startup when replica-router's configuration cannot work. It names the
 * property at fault and the fix; it never carries a secret.
 */
public class InvalidReplicaRouterConfigurationException extends IllegalStateException {

	private final String property;

	private final String action;

	private final List<InvalidReplicaRouterConfigurationException> problems;

	/**
	 * Create an exception.
	 * @param property the property at fault, for example
	 * {@code replica-router.replicas[0].url}
	 * @param problem what is wrong with it
	 * @param action how to fix it
	 */
	public InvalidReplicaRouterConfigurationException(String property, String problem, String action) {
		super("Invalid configuration property '" + property + "': " + problem + ". " + action);
		this.property = property;
		this.action = action;
		this.problems = List.of(this);
	}

	/**
	 * Create an exception that reports several problems at once.
	 * @param problems the problems, at least two
	 */
	InvalidReplicaRouterConfigurationException(List<InvalidReplicaRouterConfigurationException> problems) {
		super(problems.size() + " invalid configuration properties:" + problems.stream()
			.map((problem) -> System.lineSeparator() + "  - " + problem.getMessage())
			.collect(Collectors.joining()));
		this.property = problems.get(0).getProperty();
		this.action = "Fix each of the " + problems.size() + " properties as described above.";
		this.problems = List.copyOf(problems);
	}

	/**
	 * Return every problem this exception reports: itself, or each of several.
	 * @return the problems
	 */
	public List<InvalidReplicaRouterConfigurationException> getProblems() {
		return this.problems;
	}

	/**
	 * Return the property at fault.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return how to fix the configuration.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
