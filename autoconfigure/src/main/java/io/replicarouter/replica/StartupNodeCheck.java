package io.replicarouter.replica;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Reports, once the health monitor's first probe of every node is in, each node that is
 * unreachable, refuses the credentials or is not in its configured role: as a warning
 * naming the property to check (the node is out of rotation and joins once healthy), or,
 * with {@code replica-router.fail-fast=true}, as a startup failure listing them all.
 */
public class StartupNodeCheck implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(StartupNodeCheck.class);

	private final ReplicaHealthMonitor monitor;

	private final boolean failFast;

	private final String primarySettings;

	private final String replicasPrefix;

	private final List<String> replicaSettings;

	private volatile boolean running;

	/**
	 * Create a check.
	 * @param monitor the monitor whose first probes are checked
	 * @param failFast whether a problem fails startup
	 * @param primarySettings where the primary is configured, for messages: a property
	 * prefix such as {@code spring.datasource}, or a description such as "the
	 * application's DataSource bean 'x'"
	 * @param replicasPrefix the property that lists the replicas, such as
	 * {@code replica-router.replicas}
	 */
	public StartupNodeCheck(ReplicaHealthMonitor monitor, boolean failFast, String primarySettings,
			String replicasPrefix) {
		this(monitor, failFast, primarySettings, replicasPrefix, List.of());
	}

	/**
	 * Create a check that names where each replica is set.
	 * @param monitor the monitor whose first probes are checked
	 * @param failFast whether a problem fails startup
	 * @param primarySettings where the primary is configured, for messages
	 * @param replicasPrefix the property that lists the configured replicas, such as
	 * {@code replica-router.replicas}: {@code <prefix>[i]} names a replica the list
	 * below does not
	 * @param replicaSettings for messages, where each replica is set, in the monitor's
	 * order, such as {@code replica-router.replicas[0]} or "ReplicaConnectionDetails bean
	 * 'x'"
	 */
	public StartupNodeCheck(ReplicaHealthMonitor monitor, boolean failFast, String primarySettings,
			String replicasPrefix, List<String> replicaSettings) {
		this.monitor = monitor;
		this.failFast = failFast;
		this.primarySettings = primarySettings;
		this.replicasPrefix = replicasPrefix;
		this.replicaSettings = List.copyOf(replicaSettings);
	}

	@Override
	public void start() {
		this.running = true;
		List<String> problems = new ArrayList<>();
		NodeHealth primary = this.monitor.primaryHealth();
		String primaryProblem = problem(primary, this.primarySettings);
		if (primaryProblem != null) {
			problems.add(primaryProblem);
		}
		List<NodeHealth> replicas = this.monitor.replicaHealth();
		for (int index = 0; index < replicas.size(); index++) {
			String problem = problem(replicas.get(index), replicaSettings(index));
			if (problem != null) {
				problems.add(problem);
			}
		}
		if (problems.isEmpty()) {
			return;
		}
		if (this.failFast) {
			throw new NodesUnavailableAtStartupException(problems);
		}
		if (primaryProblem != null) {
			logger.warn(primaryProblem + " The application starts anyway (replica-router.fail-fast=false): work"
					+ " that needs the primary fails until it is healthy.");
		}
		for (String problem : problems.subList((primaryProblem != null) ? 1 : 0, problems.size())) {
			logger.warn(problem + " The application starts anyway (replica-router.fail-fast=false): the replica is"
					+ " out of rotation and is probed until it is healthy, then joins.");
		}
	}

	/**
	 * Where a replica is set, for messages.
	 */
	private String replicaSettings(int index) {
		return (index < this.replicaSettings.size()) ? this.replicaSettings.get(index)
				: this.replicasPrefix + "[" + index + "]";
	}

	private static @Nullable String problem(NodeHealth health, String prefix) {
		if (prefix.contains(" ")) {
			return describedProblem(health, prefix);
		}
		NodeState state = health.state();
		String node = health.node().name() + " (" + health.node().maskedUrl() + ")";
		String detail = health.detail();
		if (state == NodeState.DOWN) {
			String lower = detail.toLowerCase(Locale.ROOT);
			if (lower.contains("authentication failed") || lower.contains("no pg_hba.conf entry")
					|| lower.contains("password") && lower.contains("authentication")) {
				String credentials = prefix.startsWith("spring.") ? "spring.datasource.username and "
						+ "spring.datasource.password"
						: prefix + ".username and " + prefix + ".password (or the primary's, which a replica "
								+ "inherits when it sets none)";
				return node + " refused the credentials at startup (" + detail + "). Check " + credentials + ".";
			}
			return node + " is unreachable at startup (" + detail + "). Check " + prefix + ".url and that the "
					+ "server is running and reachable from this host.";
		}
		if (state == NodeState.MISCONFIGURED) {
			return node + " is not a streaming replica: " + detail + ". Point " + prefix + ".url at a streaming "
					+ "replica of the primary.";
		}
		if (state == NodeState.DEMOTED) {
			return node + " is in recovery, a read-only standby, so writes would fail. Point " + prefix
					+ ".url at the primary.";
		}
		return null;
	}

	/**
	 * A problem of a node configured outside properties, such as the application's own
	 * DataSource bean.
	 */
	private static @Nullable String describedProblem(NodeHealth health, String description) {
		String node = health.node().name() + " (" + health.node().maskedUrl() + ")";
		return switch (health.state()) {
			case DOWN -> node + " is unreachable or refused the credentials at startup (" + health.detail()
					+ "). Check " + description + " and that the server is running and reachable from this host.";
			case MISCONFIGURED -> node + " is not in its configured role: " + health.detail() + ". Check "
					+ description + ".";
			case DEMOTED -> node + " is in recovery, a read-only standby, so writes would fail. Point "
					+ description + " at the primary.";
			default -> null;
		};
	}

	@Override
	public void stop() {
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		// Right after the monitor, whose start() probes every node once.
		return Integer.MIN_VALUE + 1001;
	}

}
