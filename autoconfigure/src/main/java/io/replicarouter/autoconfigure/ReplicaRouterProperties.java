package io.replicarouter.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.replicarouter.routing.NonTransactionalReads;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of the replicas and of how work is routed to them. The primary is
 * configured with Boot's own {@code spring.datasource.*} and
 * {@code spring.datasource.hikari.*}.
 */
@ConfigurationProperties(ReplicaRouterProperties.PREFIX)
public class ReplicaRouterProperties {

	/**
	 * The prefix of every replica-router property.
	 */
	public static final String PREFIX = "replica-router";

	/**
	 * Whether to route read-only transactions to replicas. When false the application uses
	 * Boot's plain DataSource.
	 */
	private boolean enabled = true;

	/**
	 * Streaming replicas that serve read-only transactions. Each inherits the primary's
	 * credentials and pool settings unless it overrides them.
	 */
	private List<Replica> replicas = new ArrayList<>();

	/**
	 * Where statements outside any transaction go: 'primary' (safe, since they may write) or
	 * 'replica' (only when such work never writes).
	 */
	private NonTransactionalReads nonTransactionalReads = NonTransactionalReads.PRIMARY;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<Replica> getReplicas() {
		return this.replicas;
	}

	public void setReplicas(List<Replica> replicas) {
		this.replicas = replicas;
	}

	public NonTransactionalReads getNonTransactionalReads() {
		return this.nonTransactionalReads;
	}

	public void setNonTransactionalReads(NonTransactionalReads nonTransactionalReads) {
		this.nonTransactionalReads = nonTransactionalReads;
	}

	/**
	 * One streaming replica.
	 */
	public static class Replica {

		/**
		 * Unique name of the replica (letters, digits, '.', '_' and '-'). Its pool is named
		 * 'replica-<name>'. Defaults to its 1-based position in the list.
		 */
		private @Nullable String name;

		/**
		 * JDBC URL of the replica, for example 'jdbc:postgresql://replica-1:5432/app'.
		 */
		private @Nullable String url;

		/**
		 * Login user of the replica. Defaults to the primary's.
		 */
		private @Nullable String username;

		/**
		 * Login password of the replica. Defaults to the primary's.
		 */
		private @Nullable String password;

		/**
		 * Relative share of reads for weighted balancing; at least 1.
		 */
		private int weight = 1;

		/**
		 * Hikari settings for this replica's pool, in the form of
		 * 'spring.datasource.hikari.*' keys (for example 'maximum-pool-size'). They override
		 * the settings inherited from 'spring.datasource.hikari.*'.
		 */
		private Map<String, String> hikari = new LinkedHashMap<>();

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		public @Nullable String getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable String url) {
			this.url = url;
		}

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

		public int getWeight() {
			return this.weight;
		}

		public void setWeight(int weight) {
			this.weight = weight;
		}

		public Map<String, String> getHikari() {
			return this.hikari;
		}

		public void setHikari(Map<String, String> hikari) {
			this.hikari = hikari;
		}

		@Override
		public String toString() {
			// Never print the password or a URL that may carry one.
			return "Replica[name=" + this.name + "]";
		}

	}

}
