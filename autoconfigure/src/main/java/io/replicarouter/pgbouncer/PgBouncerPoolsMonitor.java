package io.replicarouter.pgbouncer;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.jdbc.JdbcUrls;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Polls {@code SHOW POOLS} on the admin console of the PgBouncer in front of each node (the
 * virtual database {@code pgbouncer} on the host and port of the node's URL) in the
 * background, and keeps the last answer for health details, which must never wait for
 * I/O. Each poll opens a short-lived connection, in the simple query protocol (the admin
 * console knows no other), bounded by the timeout, secured with TLS as the node's URL says
 * ({@code sslmode}, {@code sslrootcert}: see {@link ConsoleTls}).
 */
public class PgBouncerPoolsMonitor implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PgBouncerPoolsMonitor.class);

	private static final Pattern SINGLE_HOST_URL = Pattern.compile("^jdbc:postgresql://([^/?#,]+)/([^?#]*)");

	private final DatabaseNodes nodes;

	private final String username;

	private final @Nullable String password;

	private final Duration interval;

	private final Duration timeout;

	private final Clock clock;

	private final Map<String, PgBouncerPools> last = new ConcurrentHashMap<>();

	private final Map<String, ConsoleTls> tls = new ConcurrentHashMap<>();

	private volatile @Nullable ScheduledExecutorService scheduler;

	/**
	 * Create a monitor.
	 * @param nodes the nodes, each reached through its own PgBouncer
	 * @param username the admin console user ({@code stats_users} or {@code admin_users})
	 * @param password its password
	 * @param interval time between polls
	 * @param timeout connect and answer timeout of a poll
	 * @throws IllegalArgumentException if a node's URL has TLS settings the console cannot
	 * use (an unknown {@code sslmode}, an unreadable {@code sslrootcert}), naming the
	 * property and the fix
	 */
	public PgBouncerPoolsMonitor(DatabaseNodes nodes, String username, @Nullable String password, Duration interval,
			Duration timeout) {
		this(nodes, username, password, interval, timeout, Clock.systemUTC());
	}

	PgBouncerPoolsMonitor(DatabaseNodes nodes, String username, @Nullable String password, Duration interval,
			Duration timeout, Clock clock) {
		this.nodes = nodes;
		this.username = username;
		this.password = password;
		this.interval = interval;
		this.timeout = timeout;
		this.clock = clock;
		for (DataSourceNode node : nodes.all()) {
			if (node.dataSource() instanceof HikariDataSource pool && pool.getJdbcUrl() != null) {
				this.tls.put(node.name(),
						ConsoleTls.of(pool.getJdbcUrl(), pool.getDataSourceProperties(), urlProperty(node)));
			}
		}
	}

	private static String urlProperty(DataSourceNode node) {
		return (node.role() == NodeRole.PRIMARY) ? "spring.datasource.url (or its data-source-properties)"
				: "the URL of replica '" + node.name() + "' (replica-router.replicas[].url, which inherits the "
						+ "primary URL's ssl* parameters)";
	}

	/**
	 * The last poll of each node's PgBouncer, by node name; a node not polled yet is absent.
	 * @return the cached state, without I/O
	 */
	public Map<String, PgBouncerPools> pools() {
		return Map.copyOf(this.last);
	}

	/**
	 * Poll every node's PgBouncer once, now, on the calling thread.
	 */
	public void pollAll() {
		for (DataSourceNode node : this.nodes.all()) {
			this.last.put(node.name(), poll(node));
		}
	}

	private PgBouncerPools poll(DataSourceNode node) {
		Instant now = this.clock.instant();
		String url = (node.dataSource() instanceof HikariDataSource pool) ? pool.getJdbcUrl() : null;
		Matcher matcher = (url != null) ? SINGLE_HOST_URL.matcher(url) : null;
		if (matcher == null || !matcher.find()) {
			return PgBouncerPools.failed(now, "not polled: the URL does not name exactly one host and port");
		}
		String database = matcher.group(2);
		String user = ((HikariDataSource) node.dataSource()).getUsername();
		String address = matcher.group(1);
		int colon = address.lastIndexOf(':');
		boolean hasPort = colon > address.lastIndexOf(']');
		String host = (hasPort ? address.substring(0, colon) : address).replace("[", "").replace("]", "");
		try {
			int port = hasPort ? Integer.parseInt(address.substring(colon + 1)) : 5432;
			List<String> listed = new ArrayList<>();
			for (Map<String, @Nullable String> row : PgBouncerConsole.query(host, port,
					this.tls.getOrDefault(node.name(), ConsoleTls.DISABLED), this.username, this.password, "SHOW POOLS",
					this.timeout)) {
				if (database.equals(row.get("database")) && (user == null || user.equals(row.get("user")))) {
					return PgBouncerPools.of(now, pool(row));
				}
				listed.add(row.get("database") + "/" + row.get("user"));
			}
			return PgBouncerPools.failed(now, "SHOW POOLS lists no pool for database '" + database + "'"
					+ ((user != null) ? " and user '" + user + "'" : "") + " (it lists " + listed + ")");
		}
		catch (IOException | RuntimeException ex) {
			if (logger.isDebugEnabled()) {
				logger.debug("SHOW POOLS failed for " + node.name() + " (" + JdbcUrls.mask(url) + ")", ex);
			}
			return PgBouncerPools.failed(now, "SHOW POOLS failed: " + ex);
		}
	}

	private static Map<String, Object> pool(Map<String, @Nullable String> row) {
		Map<String, Object> pool = new LinkedHashMap<>();
		for (String column : new String[] { "cl_active", "cl_waiting", "sv_active", "sv_idle", "sv_used" }) {
			String value = row.get(column);
			if (value != null) {
				pool.put(column, Long.parseLong(value));
			}
		}
		long maxwaitMicros = number(row.get("maxwait")) * 1_000_000 + number(row.get("maxwait_us"));
		pool.put("maxwait", maxwaitMicros / 1000 / 1000.0);
		String mode = row.get("pool_mode");
		if (mode != null) {
			pool.put("pool_mode", mode);
		}
		return pool;
	}

	private static long number(@Nullable String value) {
		return (value != null) ? Long.parseLong(value) : 0;
	}

	@Override
	public void start() {
		if (this.scheduler != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((runnable) -> {
			Thread thread = new Thread(runnable, "replica-router-pgbouncer");
			thread.setDaemon(true);
			return thread;
		});
		executor.scheduleWithFixedDelay(this::pollQuietly, 0, this.interval.toMillis(), TimeUnit.MILLISECONDS);
		this.scheduler = executor;
	}

	private void pollQuietly() {
		try {
			pollAll();
		}
		catch (RuntimeException ex) {
			logger.warn("Polling PgBouncer failed", ex);
		}
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor = this.scheduler;
		this.scheduler = null;
		if (executor != null) {
			executor.shutdownNow();
		}
	}

	@Override
	public boolean isRunning() {
		return this.scheduler != null;
	}

	/**
	 * What a PgBouncer's {@code SHOW POOLS} said about the pool a node's connections use.
	 *
	 * @param polledAt when it was asked
	 * @param pool {@code cl_active}, {@code cl_waiting}, {@code sv_active}, {@code sv_idle},
	 * {@code sv_used}, {@code maxwait} (seconds) and {@code pool_mode}; empty if the poll
	 * failed
	 * @param error why the poll failed, or {@code null}
	 */
	public record PgBouncerPools(Instant polledAt, Map<String, Object> pool, @Nullable String error) {

		static PgBouncerPools of(Instant polledAt, Map<String, Object> pool) {
			return new PgBouncerPools(polledAt, Collections.unmodifiableMap(new LinkedHashMap<>(pool)), null);
		}

		static PgBouncerPools failed(Instant polledAt, String error) {
			return new PgBouncerPools(polledAt, Map.of(), error);
		}

	}

}
