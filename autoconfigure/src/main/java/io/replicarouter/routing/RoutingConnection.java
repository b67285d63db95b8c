package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.Objects;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * The lazy connection handle of {@link ReplicaRoutingDataSource}.
 * <p>
 * A handle may live longer than one transaction: an ORM session holds it for a whole web
 * request under open-in-view, a DataSource wrapper may keep it. So a handle is bound to a
 * physical connection for one <em>unit of work</em> only, and routed afresh for the next:
 * <ul>
 * <li>a transaction: bound at its first statement, with the read-only flag and isolation
 * the transaction manager set; returned to its pool when the transaction commits or rolls
 * back (unless cursors are to be held over commits, {@code HOLD_CURSORS_OVER_COMMIT},
 * which need the same connection);</li>
 * <li>work in auto-commit mode: bound at its first statement; returned to its pool when a
 * transaction begins on the handle (auto-commit switched off, or the read-only flag or
 * isolation changed), or when the handle is closed.</li>
 * </ul>
 * While unbound the handle records what transaction managers set on it (auto-commit,
 * read-only, isolation, holdability, schema, catalog), answers questions about them
 * without taking a connection (the pools' defaults where nothing was set, as Spring's
 * {@code LazyConnectionDataSourceProxy} does), and treats commit, rollback and close as
 * no-ops. The first call that needs the database binds it to a node and applies the
 * recorded settings. Not thread-safe, like any JDBC connection.
 * <p>
 * Spring's {@code LazyConnectionDataSourceProxy} takes its target connection lazily too,
 * but once per handle: it keeps that connection until the handle is closed, so a handle
 * that outlives a transaction would run every later transaction on the node the first one
 * chose, and it cannot tell when a transaction committed, which read-your-writes must
 * know. Hence this handle.
 */
final class RoutingConnection extends BindingOnUseConnection {

	/**
	 * A setting the transaction manager did not set.
	 */
	static final int UNSET = -1;

	private final ReplicaRoutingDataSource router;

	private boolean autoCommit;

	private boolean readOnly;

	private int isolation = UNSET;

	private int holdability = UNSET;

	private @Nullable String schema;

	private @Nullable String catalog;

	private boolean closed;

	/**
	 * The physical connection of the current unit of work, {@code null} between units.
	 */
	private @Nullable Connection target;

	/**
	 * The current unit's binding, or the last unit's once it ended.
	 */
	private @Nullable Binding binding;

	/**
	 * Whether result sets of this handle are to survive a commit (holdability
	 * {@code HOLD_CURSORS_OVER_COMMIT}, on the handle or on a statement): the physical
	 * connection then stays bound across commits, as such cursors need.
	 */
	private boolean holdsCursors;

	/**
	 * Whether a statement ran on the current binding while it may write, so that its end
	 * must be recorded for read-your-writes. Metadata calls alone do not count.
	 */
	private boolean unrecordedWrite;

	RoutingConnection(ReplicaRoutingDataSource router, boolean defaultAutoCommit) {
		this.router = router;
		this.autoCommit = defaultAutoCommit;
	}

	/**
	 * Return the node this handle is bound to, or was bound to for its last unit of work.
	 */
	@Override
	public @Nullable DataSourceNode node() {
		Binding current = this.binding;
		return (current != null) ? current.node() : null;
	}

	@Override
	public @Nullable RoutingReason reason() {
		Binding current = this.binding;
		return (current != null) ? current.reason() : null;
	}

	@Override
	Connection forStatement() throws SQLException {
		Connection connection = target();
		this.unrecordedWrite |= Objects.requireNonNull(this.binding).mayWrite();
		return connection;
	}

	@Override
	Connection forStatement(int resultSetHoldability) throws SQLException {
		this.holdsCursors |= (resultSetHoldability == ResultSet.HOLD_CURSORS_OVER_COMMIT);
		return forStatement();
	}

	@Override
	Connection target() throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			return connection;
		}
		checkOpen();
		Binding acquired = this.router.acquire(this.readOnly, this.autoCommit, this.isolation);
		connection = acquired.connection();
		try {
			if (this.readOnly) {
				connection.setReadOnly(true);
			}
			if (this.isolation != UNSET) {
				connection.setTransactionIsolation(this.isolation);
			}
			if (this.holdability != UNSET) {
				connection.setHoldability(this.holdability);
			}
			if (this.catalog != null) {
				connection.setCatalog(this.catalog);
			}
			if (this.schema != null) {
				connection.setSchema(this.schema);
			}
			if (connection.getAutoCommit() != this.autoCommit) {
				connection.setAutoCommit(this.autoCommit);
			}
		}
		catch (SQLException | RuntimeException ex) {
			this.router.released(acquired);
			connection.close();
			throw ex;
		}
		this.binding = acquired;
		this.unrecordedWrite = false;
		this.target = connection;
		return connection;
	}

	/**
	 * Return the isolation level work on this handle runs at. Routing needs only the level
	 * set on the handle; asking for the default takes a connection once per data source.
	 */
	private int effectiveIsolation() throws SQLException {
		return (this.isolation != UNSET) ? this.isolation : this.router.defaults().isolation();
	}

	/**
	 * Called before a setting that starts a transaction changes: work done in auto-commit
	 * mode so far is one unit, and the transaction is routed afresh.
	 */
	private void endAutoCommitUnit() throws SQLException {
		if (this.target != null && this.autoCommit) {
			release(true);
		}
	}

	// Transaction demarcation: recorded, and applied to the bound connection if any

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		checkOpen();
		if (!autoCommit) {
			endAutoCommitUnit();
		}
		if (this.target != null) {
			this.target.setAutoCommit(autoCommit);
		}
		this.autoCommit = autoCommit;
	}

	@Override
	public boolean getAutoCommit() throws SQLException {
		return (this.target != null) ? this.target.getAutoCommit() : this.autoCommit;
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		checkOpen();
		if (readOnly != this.readOnly) {
			endAutoCommitUnit();
		}
		if (this.target != null) {
			this.target.setReadOnly(readOnly);
		}
		this.readOnly = readOnly;
	}

	@Override
	public boolean isReadOnly() throws SQLException {
		return (this.target != null) ? this.target.isReadOnly() : this.readOnly;
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		checkOpen();
		if (level != this.isolation) {
			endAutoCommitUnit();
		}
		if (this.target != null) {
			this.target.setTransactionIsolation(level);
		}
		this.isolation = level;
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		return (this.target != null) ? this.target.getTransactionIsolation() : effectiveIsolation();
	}

	@Override
	public void setHoldability(int holdability) throws SQLException {
		checkOpen();
		this.holdsCursors |= (holdability == ResultSet.HOLD_CURSORS_OVER_COMMIT);
		if (this.target != null) {
			this.target.setHoldability(holdability);
		}
		this.holdability = holdability;
	}

	@Override
	public int getHoldability() throws SQLException {
		if (this.target != null) {
			return this.target.getHoldability();
		}
		return (this.holdability != UNSET) ? this.holdability : this.router.defaults().holdability();
	}

	@Override
	public void setSchema(String schema) throws SQLException {
		checkOpen();
		if (this.target != null) {
			this.target.setSchema(schema);
		}
		this.schema = schema;
	}

	@Override
	public @Nullable String getSchema() throws SQLException {
		return (this.target == null && this.schema != null) ? this.schema : target().getSchema();
	}

	@Override
	public void setCatalog(String catalog) throws SQLException {
		checkOpen();
		if (this.target != null) {
			this.target.setCatalog(catalog);
		}
		this.catalog = catalog;
	}

	@Override
	public @Nullable String getCatalog() throws SQLException {
		return (this.target == null && this.catalog != null) ? this.catalog : target().getCatalog();
	}

	@Override
	public void commit() throws SQLException {
		Connection connection = this.target;
		if (connection == null) {
			checkOpen();
			return;
		}
		try {
			if (this.unrecordedWrite && !this.autoCommit) {
				// A statement ran that may have written: commit and record the write together.
				this.unrecordedWrite = false;
				this.router.commitWrite(connection);
			}
			else {
				connection.commit();
			}
		}
		catch (SQLException ex) {
			endReadOnlyWorkOnLostReplica(ex);
		}
		if (this.autoCommit) {
			return;
		}
		if (this.holdsCursors) {
			// Cursors held over the commit need this connection: stay bound, record the write.
			recordWrite(connection, true);
			return;
		}
		// The transaction is over: the next one is routed afresh.
		release(true);
	}

	@Override
	public void rollback() throws SQLException {
		Connection connection = this.target;
		if (connection == null) {
			checkOpen();
			return;
		}
		this.unrecordedWrite = false;
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			rollBackOnLostConnection(ex);
		}
		if (!this.autoCommit) {
			release(false);
		}
	}

	/**
	 * A connection that broke has nothing left to roll back: the server ends the session,
	 * and its transaction with it, when the connection goes. Failing the rollback would only
	 * hide, behind "rollback failed: Connection is closed", the error that broke the
	 * connection (a server shutting down, a lost network), which is what the caller must
	 * see. A replica is reported; a rollback that fails otherwise is rethrown.
	 */
	private void rollBackOnLostConnection(SQLException ex) throws SQLException {
		if (!(ConnectionFailures.isNodeFailure(ex) || isClosed(this.target))) {
			throw ex;
		}
		connectionLost(ex);
		DataSourceNode bound = node();
		if (bound != null && bound.role() == NodeRole.REPLICA) {
			this.router.reportFailure(bound, ex);
		}
	}

	/**
	 * Record that the bound connection broke: for the work's trace (a retry may follow),
	 * and in the binding's observation.
	 */
	private void connectionLost(SQLException ex) {
		RoutingThreadState.current().connectionLost();
		Binding current = this.binding;
		if (current != null) {
			current.observation().error(ex);
		}
	}

	/**
	 * A read-only transaction on a replica has nothing to commit or roll back: if the
	 * replica went away before the end, what was read stays valid, so the caller need not
	 * fail. The replica is reported; anything else is rethrown.
	 */
	private void endReadOnlyWorkOnLostReplica(SQLException ex) throws SQLException {
		DataSourceNode bound = node();
		RoutingReason reason = reason();
		boolean readOnlyWork = reason == RoutingReason.READ_ONLY || reason == RoutingReason.NON_TRANSACTIONAL_READ;
		if (bound == null || bound.role() != NodeRole.REPLICA || !readOnlyWork
				|| !(ConnectionFailures.isNodeFailure(ex) || isClosed(this.target))) {
			throw ex;
		}
		connectionLost(ex);
		this.router.reportFailure(bound, ex);
	}

	private static boolean isClosed(@Nullable Connection connection) {
		try {
			return connection == null || connection.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

	/**
	 * End the current binding: record a write it committed, and return the physical
	 * connection to its pool (which resets what was set on it).
	 * @param committed whether the binding's work is committed: by {@link #commit()}, or
	 * statement by statement in auto-commit mode
	 */
	private void release(boolean committed) throws SQLException {
		Connection connection = this.target;
		if (connection == null) {
			return;
		}
		this.target = null;
		this.router.released(Objects.requireNonNull(this.binding));
		try {
			recordWrite(connection, committed);
		}
		finally {
			connection.close();
		}
	}

	private void recordWrite(Connection connection, boolean committed) {
		boolean write = this.unrecordedWrite && committed;
		this.unrecordedWrite = false;
		if (write) {
			this.router.afterPrimaryWrite(connection);
		}
	}

	@Override
	public void close() throws SQLException {
		this.closed = true;
		release(this.autoCommit);
	}

	@Override
	public boolean isClosed() throws SQLException {
		return this.closed || (this.target != null && this.target.isClosed());
	}

	@Override
	public void abort(Executor executor) throws SQLException {
		this.closed = true;
		Connection connection = this.target;
		if (connection != null) {
			this.target = null;
			this.unrecordedWrite = false;
			this.router.released(Objects.requireNonNull(this.binding));
			try {
				connection.abort(executor);
			}
			finally {
				// A pool frees the slot of an aborted connection only when it is closed.
				closeQuietly(connection);
			}
		}
	}

	private static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException | RuntimeException ex) {
			// aborted: the pool discards it
		}
	}

	@Override
	public @Nullable SQLWarning getWarnings() throws SQLException {
		return (this.target != null) ? this.target.getWarnings() : null;
	}

	@Override
	public void clearWarnings() throws SQLException {
		if (this.target != null) {
			this.target.clearWarnings();
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		return target().unwrap(iface);
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) throws SQLException {
		return iface.isInstance(this) || target().isWrapperFor(iface);
	}

	private void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
	}

	@Override
	public String toString() {
		Binding current = this.binding;
		return "RoutedConnection["
				+ ((current != null) ? current.node().name() + ", " + current.reason() : "not bound yet") + "]";
	}

}
