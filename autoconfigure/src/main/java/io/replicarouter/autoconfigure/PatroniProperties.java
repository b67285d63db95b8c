package io.replicarouter.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How replica-router follows a Patroni cluster: the members come from Patroni's REST API
 * instead of {@code replica-router.replicas}, writes go to its leader, reads to the
 * members that stream from it.
 */
@ConfigurationProperties(PatroniProperties.PREFIX)
public class PatroniProperties {

	/**
	 * The prefix of the Patroni properties.
	 */
	public static final String PREFIX = ReplicaRouterProperties.PREFIX + ".patroni";

	/**
	 * REST API addresses of one or more Patroni members, such as http://pg-1:8008. Each is
	 * asked in turn for GET /cluster until one answers. Set: replica-router follows the
	 * cluster (its leader takes the writes, its replicas serve the reads); the members'
	 * database, parameters and credentials are those of spring.datasource.*, their hosts
	 * and ports Patroni's.
	 */
	private List<URI> urls = new ArrayList<>();

	/**
	 * User of the REST API (restapi.authentication), for a Patroni that asks for one on
	 * read requests too.
	 */
	private @Nullable String username;

	/**
	 * Password of the REST API user.
	 */
	private @Nullable String password;

	/**
	 * How often to read the cluster. Writes reach a new leader at most this long (plus
	 * the timeout) after Patroni names it; a primary that stops answering makes the
	 * router read the cluster at once.
	 */
	private Duration pollInterval = Duration.ofSeconds(2);

	/**
	 * How long one member's REST API may take to answer, connecting included, before the
	 * next address is asked.
	 */
	private Duration timeout = Duration.ofSeconds(2);

	/**
	 * How long work already running on a member that stopped serving reads (it left the
	 * cluster, became the leader, or was tagged noloadbalance) may go on before its pool
	 * is closed. New reads stop at once.
	 */
	private Duration retireTimeout = Duration.ofSeconds(30);

	/**
	 * TLS for https addresses.
	 */
	private final Ssl ssl = new Ssl();

	public List<URI> getUrls() {
		return this.urls;
	}

	public void setUrls(List<URI> urls) {
		this.urls = urls;
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

	public Duration getRetireTimeout() {
		return this.retireTimeout;
	}

	public void setRetireTimeout(Duration retireTimeout) {
		this.retireTimeout = retireTimeout;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	/**
	 * Whether replica-router follows a Patroni cluster.
	 * @return whether any REST API address is set
	 */
	boolean isEnabled() {
		return !this.urls.isEmpty();
	}

	/**
	 * TLS for the REST API.
	 */
	public static class Ssl {

		/**
		 * Name of an SSL bundle (spring.ssl.bundle.*) with the trust material for the REST
		 * API's certificate (and a client certificate, if Patroni asks for one). Not set:
		 * the JVM's default trust store.
		 */
		private @Nullable String bundle;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

	}

}
