package io.replicarouter.autoconfigure.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import io.replicarouter.actuate.ReplicationEndpoint;
import io.replicarouter.autoconfigure.ConsistencyProperties;
import io.replicarouter.autoconfigure.ReplicaHealthProperties;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.autoconfigure.ReplicaRouterProperties;
import io.replicarouter.replica.PoolSaturationMonitor;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.ReplicaSelector;
import io.replicarouter.routing.RoutingStatistics;

import io.replicarouter.topology.TopologySource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code replication} actuator endpoint, when it is available (enabled and exposed).
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean({ DatabaseNodes.class, RoutingStatistics.class, ReplicaHealthMonitor.class })
@ConditionalOnAvailableEndpoint(ReplicationEndpoint.class)
public final class ReplicationEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ReplicationEndpoint replicationEndpoint(ReplicaHealthMonitor monitor, DatabaseNodes nodes,
			RoutingStatistics statistics, ReplicaSelector selector, ObjectProvider<PoolSaturationMonitor> pools, ReplicaRouterProperties properties,
			ReplicaHealthProperties health, ConsistencyProperties consistency, ObjectProvider<TopologySource> topology) {
		Map<String, Object> settings = new LinkedHashMap<>();
		boolean builtIn = selector.getClass() == properties.getBalancing().createSelector().getClass();
		settings.put("balancing", builtIn ? properties.getBalancing().name().toLowerCase().replace('_', '-')
				: "custom (" + selector.getClass().getName() + ")");
		settings.put("fallback", properties.getFallback().name().toLowerCase());
		if (properties.getZone() != null && !properties.getZone().isBlank()) {
			settings.put("zone", properties.getZone());
		}
		if (!properties.getGroups().isEmpty()) {
			Map<String, Object> groups = new LinkedHashMap<>();
			properties.getGroups().forEach((name, group) -> {
				Map<String, Object> settingsOfGroup = new LinkedHashMap<>();
				if (group.getMaxLag() != null) {
					settingsOfGroup.put("maxLagMs", group.getMaxLag().toMillis());
				}
				if (group.getBalancing() != null) {
					settingsOfGroup.put("balancing", group.getBalancing().name().toLowerCase().replace('_', '-'));
				}
				if (group.getFallback() != null) {
					settingsOfGroup.put("fallback", group.getFallback().strip());
				}
				groups.put(name, settingsOfGroup);
			});
			settings.put("groups", groups);
		}
		if (properties.getPrimary().getReadWeight() > 0) {
			settings.put("primaryReadWeight", properties.getPrimary().getReadWeight());
		}
		settings.put("consistencyMode", consistency.getMode().name().toLowerCase());
		settings.put("nonTransactionalReads", properties.getNonTransactionalReads().name().toLowerCase());
		settings.put("maxLagMs", properties.getMaxLag().toMillis());
		if (properties.getMaxLagBytes() != null) {
			settings.put("maxLagBytes", properties.getMaxLagBytes().toBytes());
		}
		settings.put("probeIntervalMs", health.getProbeInterval().toMillis());
		return new ReplicationEndpoint(monitor, nodes, statistics, pools.getIfAvailable(), settings,
				topology.getIfAvailable());
	}

}
