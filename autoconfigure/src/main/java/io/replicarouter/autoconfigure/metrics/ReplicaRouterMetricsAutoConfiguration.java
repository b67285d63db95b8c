package io.replicarouter.autoconfigure.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.autoconfigure.cache.ReplicaRouterCacheAutoConfiguration;
import io.replicarouter.cache.CacheCounters;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.replica.PoolSaturationMonitor;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.RoutingStatistics;

import org.springframework.beans.factory.ObjectProvider;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics for replica-router: routing, lag and saturation meters (see
 * {@link ReplicaRouterMeterBinder}). Hikari's {@code hikaricp.*} meters of every pool come
 * from Boot's {@link DataSourcePoolMetricsAutoConfiguration}, which sees the pools as beans.
 */
@AutoConfiguration(after = { ReplicaRouterAutoConfiguration.class, ReplicaRouterCacheAutoConfiguration.class,
		DataSourcePoolMetricsAutoConfiguration.class },
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration")
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class ReplicaRouterMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "replicaRouterCacheMeterBinder")
	@ConditionalOnBean({ CacheCounters.class, CircuitBreaker.class })
	CacheMeterBinder replicaRouterCacheMeterBinder(CacheCounters statistics, CircuitBreaker breaker) {
		return new CacheMeterBinder(statistics, breaker);
	}

	@Bean
	@ConditionalOnMissingBean(name = "replicaRouterMeterBinder")
	@ConditionalOnBean({ DatabaseNodes.class, RoutingStatistics.class, ReplicaHealthMonitor.class })
	ReplicaRouterMeterBinder replicaRouterMeterBinder(DatabaseNodes nodes, RoutingStatistics statistics,
			ReplicaHealthMonitor monitor, ObjectProvider<PoolSaturationMonitor> pools) {
		return new ReplicaRouterMeterBinder(nodes, statistics, monitor, pools.getIfAvailable());
	}

}
