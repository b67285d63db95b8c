package io.replicarouter.topology;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link TopologySource} last knew.
 *
 * @param source the kind of source: {@code static} or {@code patroni}
 * @param origin where it reads the topology: properties or addresses, with no secret
 * @param lastChanged when the topology last changed (a node added or retired, a new
 * leader), or when the application started
 * @param lastRefreshed when the source last read the topology successfully, {@code null}
 * for a source that never reads
 * @param problem why the source cannot read the topology now (the last known topology
 * stays in use), {@code null} while it can
 * @param leader the member that takes the writes, {@code null} when the source does not
 * name one
 * @param members what the source last said of each member (name, role, state, address,
 * tags), empty for a source that knows only the configuration
 */
public record TopologyStatus(String source, String origin, Instant lastChanged, @Nullable Instant lastRefreshed,
		@Nullable String problem, @Nullable String leader, List<Map<String, Object>> members) {

	/**
	 * Return whether the source could read the topology the last time it tried.
	 * @return {@code true} unless a problem is known
	 */
	public boolean isReachable() {
		return this.problem == null;
	}

	/**
	 * Return the status as details for health and the endpoint.
	 * @return the details, without {@code null} values
	 */
	public Map<String, Object> toDetails() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("source", this.source);
		details.put("origin", this.origin);
		details.put("lastChanged", this.lastChanged.toString());
		if (this.lastRefreshed != null) {
			details.put("lastRefreshed", this.lastRefreshed.toString());
		}
		if (this.leader != null) {
			details.put("leader", this.leader);
		}
		details.put("reachable", isReachable());
		if (this.problem != null) {
			details.put("problem", this.problem);
		}
		if (!this.members.isEmpty()) {
			details.put("members", this.members);
		}
		return details;
	}

}
