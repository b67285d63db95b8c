package io.replicarouter.autoconfigure.actuate;

import io.replicarouter.actuate.ConnectionPoolsHealthIndicator;
import io.replicarouter.actuate.PrimaryDatabaseHealthIndicator;
import io.replicarouter.actuate.ReplicationHealthIndicator;
import io.replicarouter.actuate.RoutingHealthIndicator;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.autoconfigure.ReplicaRouterProperties;
import io.replicarouter.pgbouncer.PgBouncerPoolsMonitor;
import io.replicarouter.replica.PoolSaturationMonitor;
import io.replicarouter.replica.ReplicaHealthMonitor;

import io.replicarouter.topology.TopologySource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The {@code replication}, {@code routing} and {@code connectionPools} health indicators,
 * and a {@code db} indicator that reads the monitor instead of borrowing a pooled
 * connection. Each can be switched off with {@code management.health.replication.enabled},
 * {@code management.health.routing.enabled},
 * {@code management.health.connection-pools.enabled} and
 * {@code management.health.db.enabled}.
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class,
		beforeName = "org.springframework.boot.jdbc.autoconfigure.health.DataSourceHealthContributorAutoConfiguration")
@ConditionalOnClass({ AbstractHealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ReplicaHealthMonitor.class)
public final class ReplicaRouterHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnEnabledHealthIndicator("replication")
	@ConditionalOnMissingBean(name = "replicationHealthIndicator")
	ReplicationHealthIndicator replicationHealthIndicator(ReplicaHealthMonitor monitor,
			ObjectProvider<TopologySource> topology) {
		return new ReplicationHealthIndicator(monitor, topology.getIfAvailable());
	}

	@Bean
	@ConditionalOnEnabledHealthIndicator("routing")
	@ConditionalOnMissingBean(name = "routingHealthIndicator")
	RoutingHealthIndicator routingHealthIndicator(ReplicaHealthMonitor monitor, ReplicaRouterProperties properties) {
		return new RoutingHealthIndicator(monitor, properties.getFallback());
	}

	@Bean
	@ConditionalOnEnabledHealthIndicator("db")
	@ConditionalOnMissingBean(name = { "dbHealthIndicator", "dbHealthContributor" })
	PrimaryDatabaseHealthIndicator dbHealthIndicator(ReplicaHealthMonitor monitor) {
		return new PrimaryDatabaseHealthIndicator(monitor);
	}

	@Bean
	@ConditionalOnEnabledHealthIndicator("connection-pools")
	@ConditionalOnBean(PoolSaturationMonitor.class)
	@ConditionalOnMissingBean(name = "connectionPoolsHealthIndicator")
	ConnectionPoolsHealthIndicator connectionPoolsHealthIndicator(PoolSaturationMonitor pools,
			ObjectProvider<PgBouncerPoolsMonitor> pgBouncer) {
		return new ConnectionPoolsHealthIndicator(pools, pgBouncer.getIfAvailable());
	}

}
