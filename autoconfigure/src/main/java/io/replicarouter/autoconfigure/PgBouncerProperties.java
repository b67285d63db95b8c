package io.replicarouter.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How replica-router works with PgBouncer in front of the nodes.
 */
@ConfigurationProperties(PgBouncerProperties.PREFIX)
public class PgBouncerProperties {

	/**
	 * The prefix of the PgBouncer properties.
	 */
	public static final String PREFIX = ReplicaRouterProperties.PREFIX + ".pgbouncer";

	/**
	 * Whether the nodes are reached through PgBouncer in transaction pooling mode. Every
	 * pool replica-router creates (the primary's and the replicas') then uses no
	 * server-side prepared statements (the driver's prepareThreshold=0), unless
	 * 'data-source-properties' or the URL set prepareThreshold.
	 */
	private boolean enabled;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

}
