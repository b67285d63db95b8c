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
import io.replicarouter.routing.ReplicaRoutingDataSource;

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
@ConditionalOnBean({ ReplicaRoutingDataSource.class, ReplicaHealthMonitor.class })
@ConditionalOnAvailableEndpoint(ReplicationEndpoint.class)
public final class ReplicationEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ReplicationEndpoint replicationEndpoint(ReplicaHealthMonitor monitor, ReplicaRoutingDataSource router,
			ObjectProvider<PoolSaturationMonitor> pools, ReplicaRouterProperties properties,
			ReplicaHealthProperties health, ConsistencyProperties consistency) {
		Map<String, Object> settings = new LinkedHashMap<>();
		boolean builtIn = router.getSelector().getClass() == properties.getBalancing().createSelector().getClass();
		settings.put("balancing", builtIn ? properties.getBalancing().name().toLowerCase().replace('_', '-')
				: "custom (" + router.getSelector().getClass().getName() + ")");
		settings.put("fallback", router.getFallback().name().toLowerCase());
		settings.put("consistencyMode", consistency.getMode().name().toLowerCase());
		settings.put("nonTransactionalReads", properties.getNonTransactionalReads().name().toLowerCase());
		settings.put("maxLagMs", properties.getMaxLag().toMillis());
		if (properties.getMaxLagBytes() != null) {
			settings.put("maxLagBytes", properties.getMaxLagBytes().toBytes());
		}
		settings.put("probeIntervalMs", health.getProbeInterval().toMillis());
		return new ReplicationEndpoint(monitor, router, pools.getIfAvailable(), settings);
	}

}
