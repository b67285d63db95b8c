package io.replicarouter.autoconfigure.metrics;

import java.sql.SQLException;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Gives every replica pool Hikari's own Micrometer meters ({@code hikaricp.*}, tagged
 * with the pool name), as Boot does for the pools it can see. Boot's binder reaches the
 * primary through the routing data source's {@code unwrap}; the replicas are bound here.
 */
class ReplicaPoolsMeterBinder implements MeterBinder {

	private static final Log logger = LogFactory.getLog(ReplicaPoolsMeterBinder.class);

	private final DatabaseNodes nodes;

	ReplicaPoolsMeterBinder(DatabaseNodes nodes) {
		this.nodes = nodes;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (DataSourceNode replica : this.nodes.replicas()) {
			HikariDataSource pool = hikari(replica);
			if (pool != null && pool.getMetricRegistry() == null && pool.getMetricsTrackerFactory() == null) {
				try {
					pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
				}
				catch (RuntimeException ex) {
					logger.warn("Failed to bind Hikari metrics of " + replica.name() + ": " + ex.getMessage());
				}
			}
		}
	}

	private static @Nullable HikariDataSource hikari(DataSourceNode node) {
		try {
			return node.dataSource().isWrapperFor(HikariDataSource.class)
					? node.dataSource().unwrap(HikariDataSource.class) : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

}
