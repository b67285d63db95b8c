package io.replicarouter.replica;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown at startup, with {@code replica-router.fail-fast=true}, when a node is
 * unreachable, refuses the credentials or is not in its configured role. Names each node
 * by its masked URL and the property to check; never carries a secret.
 */
public class NodesUnavailableAtStartupException extends IllegalStateException {

	private final List<String> problems;

	/**
	 * Create an exception.
	 * @param problems one description for each node at fault
	 */
	public NodesUnavailableAtStartupException(List<String> problems) {
		super("replica-router.fail-fast=true and " + problems.size() + " database node(s) failed the startup check:"
				+ problems.stream().map((problem) -> System.lineSeparator() + "  - " + problem).collect(Collectors.joining()));
		this.problems = List.copyOf(problems);
	}

	/**
	 * Return the description of each node at fault.
	 * @return the problems
	 */
	public List<String> getProblems() {
		return this.problems;
	}

}
