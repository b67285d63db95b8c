package io.replicarouter.autoconfigure;

/**
 * Thrown at startup when replica-router's configuration cannot work. It names the
 * property at fault and the fix; it never carries a secret.
 */
public class InvalidReplicaRouterConfigurationException extends IllegalStateException {

	private final String property;

	private final String action;

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
