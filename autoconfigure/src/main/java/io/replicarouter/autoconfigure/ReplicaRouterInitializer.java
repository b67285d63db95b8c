package io.replicarouter.autoconfigure;

import java.util.Objects;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.jdbc.TransportSecurity;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.routing.RoutingTopology;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.jdbc.DataSourceUnwrapper;

/**
 * What the router does once every bean exists, kept out of the {@code @Bean} methods:
 * warns about pools whose connections are not protected, and lets the health monitor
 * abort the statements of a node that stopped answering.
 */
final class ReplicaRouterInitializer implements SmartInitializingSingleton {

	private final DatabaseNodes nodes;

	private final ReplicaRouterSettings settings;

	private final PrimarySource primary;

	private final ObjectProvider<RoutingTopology> topology;

	private final ObjectProvider<DataSource> dataSources;

	ReplicaRouterInitializer(DatabaseNodes nodes, PrimarySource primary, ObjectProvider<RoutingTopology> topology,
			ObjectProvider<DataSource> dataSources, ReplicaRouterSettings settings) {
		this.settings = settings;
		this.nodes = nodes;
		this.primary = primary;
		this.topology = topology;
		this.dataSources = dataSources;
	}

	@Override
	public void afterSingletonsInstantiated() {
		warnIfWeak(this.nodes.primary(), this.primary.property());
		for (int index = 0; index < this.nodes.replicas().size(); index++) {
			warnIfWeak(this.nodes.replicas().get(index), property(index));
		}
		if (this.topology.getIfAvailable() instanceof ReplicaHealthMonitor monitor) {
			// Read-only statements waiting on a node that stopped answering fail now, not
			// after the socket timeout, and their transactions run again elsewhere. The
			// router is reached through unwrap: a DataSource wrapper may stand in front.
			this.dataSources.orderedStream()
				.map((dataSource) -> DataSourceUnwrapper.unwrap(dataSource, ReplicaRoutingDataSource.class))
				.filter(Objects::nonNull)
				.findFirst()
				.ifPresent((router) -> monitor
					.onNodeStoppedAnswering((node) -> router.abortConnectionsInUse(node, Runnable::run)));
		}
	}

	/**
	 * What sets the URL of a replica; members of a topology source (Patroni) take
	 * spring.datasource.url with the member's host.
	 */
	private String property(int index) {
		String setting = this.settings.replicaUrlSetting(index);
		return (setting != null) ? setting
				: "spring.datasource.url (for member " + this.nodes.replicas().get(index).name() + ")";
	}

	private static void warnIfWeak(DataSourceNode node, String property) {
		HikariDataSource pool = PrimarySource.hikari(node.dataSource());
		if (pool != null && pool.getJdbcUrl() != null) {
			TransportSecurity.warnIfWeak(property, pool.getJdbcUrl(), pool.getDataSourceProperties());
		}
	}

}
