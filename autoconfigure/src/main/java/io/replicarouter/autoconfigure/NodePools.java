package io.replicarouter.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.autoconfigure.ReplicaRouterProperties.Replica;
import io.replicarouter.jdbc.DriverLogMasking;
import io.replicarouter.jdbc.NodePoolFactory;
import io.replicarouter.jdbc.NodePoolFactory.Connection;
import io.replicarouter.jdbc.NodePoolFactory.ReplicaPool;
import io.replicarouter.jdbc.NodePoolFactory.Timeouts;
import io.replicarouter.jdbc.StatementTimeouts;
import io.replicarouter.routing.NodeRole;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.StringUtils;

/**
 * The factory of the pool beans: {@code replicaRouterPrimaryDataSource} (when the starter
 * builds the primary's pool) and {@code replicaRouterReplica<i>DataSource}, for a
 * configured replica or one of a {@link ReplicaConnectionDetails} bean. Each pool is
 * built from validated settings, then handed to every {@link ReplicaRouterPoolCustomizer}
 * in {@link ObjectProvider#orderedStream()} order, before it is returned as a bean and
 * so before it can open a connection.
 */
final class NodePools {

	static final String PRIMARY_NAME = "primary";

	private final ReplicaRouterSettings settings;

	private final NodePoolFactory factory;

	private final Connection primary;

	private final ObjectProvider<ReplicaRouterPoolCustomizer> customizers;

	private final @Nullable String dataSourceName;

	/**
	 * Create the factory.
	 * @param settings the validated settings
	 * @param factory the pool builder
	 * @param primary the primary's connection settings from {@code spring.datasource.*}
	 * @param dataSourceName {@code spring.datasource.name}
	 * @param customizers the customizers
	 */
	NodePools(ReplicaRouterSettings settings, NodePoolFactory factory, Connection primary,
			@Nullable String dataSourceName, ObjectProvider<ReplicaRouterPoolCustomizer> customizers) {
		this.settings = settings;
		this.factory = factory;
		this.primary = primary;
		this.dataSourceName = dataSourceName;
		this.customizers = customizers;
		// Before the first pool exists: the driver logs URLs, which may carry a password.
		DriverLogMasking.install();
	}

	/**
	 * Build the primary's pool from {@code spring.datasource.*}.
	 * @return the unstarted, customized pool
	 */
	HikariDataSource primary() {
		HikariDataSource pool = this.factory.createPrimary(this.primary,
				StringUtils.hasText(this.dataSourceName) ? this.dataSourceName : PRIMARY_NAME);
		return prepare(pool, pool.getPoolName(), NodeRole.PRIMARY);
	}

	/**
	 * Build a replica's pool from {@code replica-router.replicas[index]}.
	 * @param index the replica's position in the list
	 * @return the unstarted, customized pool
	 */
	HikariDataSource replica(int index) {
		if (index >= this.settings.router().getReplicas().size()) {
			// Only a pool bean registered by AOT processing can outnumber the configured replicas.
			throw AotReplicaPools.mismatch(this.settings.router().getReplicas().size(), "at least " + (index + 1));
		}
		Replica replica = this.settings.router().getReplicas().get(index);
		String name = ReplicaRouterProperties.nodeName(replica, index);
		ReplicaPool own = new ReplicaPool(name, Objects.requireNonNull(replica.getUrl()), replica.getUsername(), replica.getPassword(),
				replica.getHikari(), ReplicaRouterProperties.PREFIX + ".replicas[" + index + "].hikari");
		Duration statement = replica.getTimeouts().getStatement();
		return replica(own, (statement != null) ? statement : this.settings.router().getTimeouts().getStatement());
	}

	/**
	 * Build the pool of a replica declared by a {@link ReplicaConnectionDetails} bean, with
	 * its URL and credentials (the primary's when it has none) and the settings every
	 * replica inherits.
	 * @param index the replica's position among all replicas
	 * @param details its connection details
	 * @return the unstarted, customized pool
	 */
	HikariDataSource serviceReplica(int index, ReplicaConnectionDetails details) {
		String name = ServiceReplica.nodeName(details, index);
		return replica(new ReplicaPool(name, details.getJdbcUrl(), details.getUsername(), details.getPassword(),
				Map.of(), "ReplicaConnectionDetails of " + name),
				this.settings.router().getTimeouts().getStatement());
	}

	/**
	 * Build the pool of a member a topology source reports, with the settings every
	 * replica inherits (credentials and Hikari settings of the primary, the replica
	 * timeouts).
	 * @param name the member's name, the pool's name
	 * @param url the member's JDBC URL
	 * @return the customized pool
	 */
	HikariDataSource member(String name, String url) {
		return replica(new ReplicaPool(name, url, null, null, Map.of(),
				PatroniProperties.PREFIX + " member " + name), this.settings.router().getTimeouts().getStatement());
	}

	/**
	 * A replica's pool: its own settings over those inherited from the primary, with the
	 * replica timeouts.
	 */
	private HikariDataSource replica(ReplicaPool own, Duration statement) {
		// TLS parameters come from the primary actually in use, credentials from
		// spring.datasource.*, also when the application brings its own primary.
		String primaryUrl = this.settings.primary().url();
		Connection inherited = new Connection((primaryUrl != null) ? primaryUrl : this.primary.url(),
				this.primary.username(), this.primary.password(), this.primary.driverClassName());
		ReplicaRouterProperties.Timeouts timeouts = this.settings.router().getTimeouts();
		HikariDataSource pool = this.factory.createReplica(own, inherited,
				new Timeouts(timeouts.getConnect(), timeouts.getSocket(), timeouts.getBorrow(), statement));
		StatementTimeouts.reconcile(pool, statement, this.settings.pgBouncer().isEnabled(),
				ReplicaRouterProperties.PREFIX + ".timeouts.statement");
		return prepare(pool, own.name(), NodeRole.REPLICA);
	}

	private HikariDataSource prepare(HikariDataSource pool, String name, NodeRole role) {
		if (this.settings.pgBouncer().isEnabled()) {
			NodePoolFactory.disableServerPreparedStatements(pool);
		}
		this.customizers.orderedStream().forEach((customizer) -> customizer.customize(name, role, pool));
		return pool;
	}

}
