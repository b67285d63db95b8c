package io.replicarouter.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.replicarouter.replica.NodeHealth;

/**
 * The stable keys under which a node's health is shown in health details and in the
 * {@code replication} endpoint.
 */
final class NodeDetails {

	private NodeDetails() {
	}

	static Map<String, Object> of(NodeHealth health) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("role", health.node().role().name().toLowerCase());
		details.put("state", health.state().name().toLowerCase());
		details.put("eligible", health.isEligible());
		details.put("detail", health.detail());
		details.put("url", health.node().maskedUrl());
		if (health.node().role() == io.replicarouter.routing.NodeRole.REPLICA) {
			details.put("group", health.node().group());
		}
		if (health.node().zone() != null) {
			details.put("zone", health.node().zone());
		}
		if (health.inRecovery() != null) {
			details.put("inRecovery", health.inRecovery());
		}
		details.put("lagBytes", health.lagBytes());
		details.put("lagMs", health.lag().toMillis());
		details.put("walLsn", health.walLsn().toString());
		if (health.lastProbe() != null) {
			details.put("lastProbe", health.lastProbe().toString());
		}
		if (health.lastSuccess() != null) {
			details.put("lastSuccess", health.lastSuccess().toString());
		}
		details.put("consecutiveFailures", health.consecutiveFailures());
		return details;
	}

}
