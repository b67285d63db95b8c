package io.replicarouter.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

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

	/**
	 * PgBouncer's admin console, polled for the pool state of each node's PgBouncer.
	 */
	private final Admin admin = new Admin();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Admin getAdmin() {
		return this.admin;
	}

	/**
	 * PgBouncer's admin console: the virtual database 'pgbouncer' on the host and port of
	 * each node's URL. When a user is set, SHOW POOLS is polled in the background and shown
	 * in the 'connectionPools' health details. The console connection uses TLS as the node's
	 * URL says, read as pgjdbc reads it: 'sslmode' (no sslmode: prefer; ssl=true:
	 * verify-full) and 'sslrootcert' (verify-ca and verify-full check PgBouncer's
	 * certificate against it, verify-full also the host name), so a PgBouncer with
	 * client_tls_sslmode=require needs no setting here.
	 */
	public static class Admin {

		/**
		 * User of the admin console, listed in PgBouncer's stats_users (or admin_users). Not
		 * set: the console is not polled.
		 */
		private @Nullable String username;

		/**
		 * Password of the admin console user. Sent in clear text (PgBouncer's auth_type =
		 * plain) only over TLS with a verified certificate (sslmode=verify-ca or
		 * verify-full in the node's URL); use SCRAM-SHA-256 or MD5 otherwise.
		 */
		private @Nullable String password;

		/**
		 * Time between two polls of each PgBouncer.
		 */
		private Duration pollInterval = Duration.ofSeconds(5);

		/**
		 * How long connecting to a PgBouncer and its answer may take.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		@Override
		public String toString() {
			return "Admin[username=" + this.username + ", password=" + ((this.password != null) ? "******" : null)
					+ ", pollInterval=" + this.pollInterval + ", timeout=" + this.timeout + "]";
		}

	}

}
