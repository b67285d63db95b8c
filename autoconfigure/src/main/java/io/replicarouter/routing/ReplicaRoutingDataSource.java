package io.replicarouter.routing;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

/**
 * A {@link DataSource} that sends read-only transactions to a replica and everything
 * else to the primary.
 * <p>
 * {@link #getConnection()} returns a lazy handle: the physical connection is taken when
 * the first statement is created. Spring's transaction managers take the connection
 * before they mark it read-only, so deciding any earlier would miss the flag. The decision,
 * made once per connection:
 * <ol>
 * <li>a pin from {@link io.replicarouter.PrimaryRead} or {@link PrimaryReads}: the
 * primary;</li>
 * <li>a read-only connection: a replica chosen by the {@link ReplicaSelector};</li>
 * <li>outside any transaction, with {@link NonTransactionalReads#REPLICA}: a replica;</li>
 * <li>otherwise: the primary.</li>
 * </ol>
 * {@link #unwrap(Class)} reaches the primary's pool, so tools that look for the pool (for
 * example Boot's pool metrics) see the primary.
 */
public class ReplicaRoutingDataSource implements DataSource, AutoCloseable {

	private static final Log logger = LogFactory.getLog(ReplicaRoutingDataSource.class);

	private final DataSourceNode primary;

	private final List<DataSourceNode> replicas;

	private final ReplicaSelector selector;

	private final NonTransactionalReads nonTransactionalReads;

	private final boolean defaultAutoCommit;

	/**
	 * Create a routing data source.
	 * @param primary the primary
	 * @param replicas the replicas, at least one
	 * @param selector chooses among replicas
	 * @param nonTransactionalReads where connections taken outside a transaction go
	 * @param defaultAutoCommit the auto-commit mode the pools hand connections out with
	 */
	public ReplicaRoutingDataSource(DataSourceNode primary, List<DataSourceNode> replicas, ReplicaSelector selector,
			NonTransactionalReads nonTransactionalReads, boolean defaultAutoCommit) {
		Assert.isTrue(primary.role() == NodeRole.PRIMARY, "'primary' must have the PRIMARY role");
		Assert.notEmpty(replicas, "'replicas' must not be empty");
		Assert.isTrue(replicas.stream().allMatch((replica) -> replica.role() == NodeRole.REPLICA),
				"'replicas' must all have the REPLICA role");
		this.primary = primary;
		this.replicas = List.copyOf(replicas);
		this.selector = selector;
		this.nonTransactionalReads = nonTransactionalReads;
		this.defaultAutoCommit = defaultAutoCommit;
	}

	/**
	 * Return the primary.
	 * @return the primary node
	 */
	public DataSourceNode getPrimary() {
		return this.primary;
	}

	/**
	 * Return the replicas, in configuration order.
	 * @return the replica nodes
	 */
	public List<DataSourceNode> getReplicas() {
		return this.replicas;
	}

	@Override
	public Connection getConnection() {
		return new RoutingConnection(this, this.defaultAutoCommit);
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"replica-router uses the credentials configured for each node; call getConnection() instead");
	}

	/**
	 * Take a physical connection for a lazy handle whose first statement is about to run.
	 * @param readOnly whether the handle was marked read-only
	 * @param autoCommit whether the handle is in auto-commit mode
	 * @param handle receives the node and the reason
	 * @return the physical connection
	 * @throws SQLException if the chosen pool fails
	 */
	Connection acquire(boolean readOnly, boolean autoCommit, RoutingConnection handle) throws SQLException {
		RoutingReason reason = reason(readOnly, autoCommit);
		DataSourceNode node = (reason == RoutingReason.READ_ONLY || reason == RoutingReason.NON_TRANSACTIONAL_READ)
				? this.selector.select(this.replicas) : this.primary;
		handle.bound(node, reason);
		if (logger.isTraceEnabled()) {
			logger.trace("Routing connection to " + node.name() + " (" + reason + ")");
		}
		return node.dataSource().getConnection();
	}

	private RoutingReason reason(boolean readOnly, boolean autoCommit) {
		if (readOnly) {
			return PrimaryReads.isActive() ? RoutingReason.PRIMARY_READ : RoutingReason.READ_ONLY;
		}
		if (autoCommit && this.nonTransactionalReads == NonTransactionalReads.REPLICA && !PrimaryReads.isActive()
				&& !TransactionSynchronizationManager.isActualTransactionActive()) {
			return RoutingReason.NON_TRANSACTIONAL_READ;
		}
		return RoutingReason.READ_WRITE;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		return this.primary.dataSource().unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || this.primary.dataSource().isWrapperFor(iface);
	}

	@Override
	public @Nullable PrintWriter getLogWriter() throws SQLException {
		return this.primary.dataSource().getLogWriter();
	}

	@Override
	public void setLogWriter(PrintWriter out) throws SQLException {
		throw new SQLFeatureNotSupportedException("Configure the log writer on each node's pool");
	}

	@Override
	public void setLoginTimeout(int seconds) throws SQLException {
		throw new SQLFeatureNotSupportedException(
				"Configure connection timeouts with spring.datasource.hikari.* or replica-router.replicas[*].hikari.*");
	}

	@Override
	public int getLoginTimeout() throws SQLException {
		return this.primary.dataSource().getLoginTimeout();
	}

	@Override
	public Logger getParentLogger() {
		return Logger.getLogger(Logger.GLOBAL_LOGGER_NAME);
	}

	/**
	 * Close every node's pool that can be closed.
	 */
	@Override
	public void close() {
		closeQuietly(this.primary);
		this.replicas.forEach(ReplicaRoutingDataSource::closeQuietly);
	}

	private static void closeQuietly(DataSourceNode node) {
		if (node.dataSource() instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				logger.warn("Failed to close the pool of " + node.name() + ": " + ex.getMessage());
			}
		}
	}

	@Override
	public String toString() {
		return "ReplicaRoutingDataSource[primary=" + this.primary + ", replicas=" + this.replicas + "]";
	}

}
