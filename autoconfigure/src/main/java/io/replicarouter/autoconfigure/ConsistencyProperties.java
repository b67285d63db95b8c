package io.replicarouter.autoconfigure;

import java.time.Duration;

import io.replicarouter.consistency.ConsistencyMode;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Read-your-writes: how a scope's reads are kept from seeing data older than its writes.
 */
@ConfigurationProperties(ConsistencyProperties.PREFIX)
public class ConsistencyProperties {

	/**
	 * The prefix of the consistency properties.
	 */
	public static final String PREFIX = ReplicaRouterProperties.PREFIX + ".consistency";

	/**
	 * How reads see their scope's writes: 'lsn' (by the primary's WAL position, the
	 * default), 'sticky' (to the primary for a window after a write) or 'none'.
	 */
	private ConsistencyMode mode = ConsistencyMode.LSN;

	/**
	 * How long a read may wait for a replica to replay the scope's last write before it runs
	 * on the primary. Zero: no wait.
	 */
	private Duration maxWait = Duration.ofMillis(10);

	/**
	 * How long a scope's reads go to the primary after a write in 'sticky' mode.
	 */
	private Duration stickyWindow = Duration.ofSeconds(2);

	/**
	 * Where a scope's token lives between requests: 'request' (a cookie or header the
	 * client sends back) or 'redis' (keyed by session or user, for clients that cannot
	 * carry a cookie).
	 */
	private Store store = Store.REQUEST;

	/**
	 * How web requests carry the consistency token.
	 */
	private final Web web = new Web();

	/**
	 * The Redis token store, used when 'store' is 'redis'.
	 */
	private final Redis redis = new Redis();

	public ConsistencyMode getMode() {
		return this.mode;
	}

	public void setMode(ConsistencyMode mode) {
		this.mode = mode;
	}

	public Duration getMaxWait() {
		return this.maxWait;
	}

	public void setMaxWait(Duration maxWait) {
		this.maxWait = maxWait;
	}

	public Duration getStickyWindow() {
		return this.stickyWindow;
	}

	public void setStickyWindow(Duration stickyWindow) {
		this.stickyWindow = stickyWindow;
	}

	public Store getStore() {
		return this.store;
	}

	public void setStore(Store store) {
		this.store = store;
	}

	public Web getWeb() {
		return this.web;
	}

	public Redis getRedis() {
		return this.redis;
	}

	/**
	 * Where tokens live between requests.
	 */
	public enum Store {

		/**
		 * In a cookie or header that the client sends back.
		 */
		REQUEST,

		/**
		 * In Redis, keyed by HTTP session or user.
		 */
		REDIS

	}

	/**
	 * How web requests carry the token.
	 */
	public static class Web {

		/**
		 * Whether a servlet filter gives each web request its own consistency scope, read from
		 * and written back to the cookie or header below.
		 */
		private boolean enabled = true;

		/**
		 * Name of the cookie that carries the token; empty to use no cookie.
		 */
		private String cookieName = "rr-consistency";

		/**
		 * Name of the request and response header that carries the token; empty to use no
		 * header.
		 */
		private String headerName = "X-Consistency-Token";

		/**
		 * Whether the cookie is sent over HTTPS only.
		 */
		private boolean cookieSecure = false;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getCookieName() {
			return this.cookieName;
		}

		public void setCookieName(String cookieName) {
			this.cookieName = cookieName;
		}

		public String getHeaderName() {
			return this.headerName;
		}

		public void setHeaderName(String headerName) {
			this.headerName = headerName;
		}

		public boolean isCookieSecure() {
			return this.cookieSecure;
		}

		public void setCookieSecure(boolean cookieSecure) {
			this.cookieSecure = cookieSecure;
		}

	}

	/**
	 * The Redis token store.
	 */
	public static class Redis {

		/**
		 * What a stored token is keyed by: 'session' (the HTTP session id) or 'principal' (the
		 * authenticated user's name).
		 */
		private Key key = Key.PRINCIPAL;

		/**
		 * Prefix of the Redis keys.
		 */
		private String keyPrefix = "replica-router:consistency:";

		/**
		 * Longest wait for a token store command, on the store's own Redis connection (the
		 * application's other Redis users keep their timeout). After 3 failures in a row the
		 * store is not called for 5 seconds.
		 */
		private Duration commandTimeout = Duration.ofMillis(250);

		public Duration getCommandTimeout() {
			return this.commandTimeout;
		}

		public void setCommandTimeout(Duration commandTimeout) {
			this.commandTimeout = commandTimeout;
		}

		public Key getKey() {
			return this.key;
		}

		public void setKey(Key key) {
			this.key = key;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		/**
		 * What a token is keyed by.
		 */
		public enum Key {

			/**
			 * The HTTP session id.
			 */
			SESSION,

			/**
			 * The authenticated user's name.
			 */
			PRINCIPAL

		}

	}

}
