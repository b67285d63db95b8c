package io.replicarouter.routing;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
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
 */
final class RoutingConnection implements RoutedConnection {

	private static final int UNSET = -1;

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

	private Connection forStatement() throws SQLException {
		Connection connection = target();
		this.unrecordedWrite |= Objects.requireNonNull(this.binding).mayWrite();
		return connection;
	}

	private Connection forStatement(int resultSetHoldability) throws SQLException {
		this.holdsCursors |= (resultSetHoldability == ResultSet.HOLD_CURSORS_OVER_COMMIT);
		return forStatement();
	}

	private Connection target() throws SQLException {
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
			connection.commit();
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
		RoutingThreadState.current().connectionLost();
		DataSourceNode bound = node();
		if (bound != null && bound.role() == NodeRole.REPLICA) {
			this.router.reportFailure(bound, ex);
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
		RoutingThreadState.current().connectionLost();
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

	// Everything else needs the database: bind, then delegate

	@Override
	public Statement createStatement() throws SQLException {
		return forStatement().createStatement();
	}

	@Override
	public PreparedStatement prepareStatement(String sql) throws SQLException {
		return forStatement().prepareStatement(sql);
	}

	@Override
	public CallableStatement prepareCall(String sql) throws SQLException {
		return forStatement().prepareCall(sql);
	}

	@Override
	public @Nullable String nativeSQL(String sql) throws SQLException {
		return target().nativeSQL(sql);
	}

	@Override
	public DatabaseMetaData getMetaData() throws SQLException {
		return target().getMetaData();
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
		return forStatement().createStatement(resultSetType, resultSetConcurrency);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
		return forStatement().prepareStatement(sql, resultSetType, resultSetConcurrency);
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
		return forStatement().prepareCall(sql, resultSetType, resultSetConcurrency);
	}

	@Override
	public Map<String, Class<?>> getTypeMap() throws SQLException {
		return target().getTypeMap();
	}

	@Override
	public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
		target().setTypeMap(map);
	}

	@Override
	public Savepoint setSavepoint() throws SQLException {
		return target().setSavepoint();
	}

	@Override
	public Savepoint setSavepoint(String name) throws SQLException {
		return target().setSavepoint(name);
	}

	@Override
	public void rollback(Savepoint savepoint) throws SQLException {
		target().rollback(savepoint);
	}

	@Override
	public void releaseSavepoint(Savepoint savepoint) throws SQLException {
		target().releaseSavepoint(savepoint);
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
		return forStatement(resultSetHoldability).createStatement(resultSetType, resultSetConcurrency,
				resultSetHoldability);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
		return forStatement(resultSetHoldability).prepareStatement(sql, resultSetType, resultSetConcurrency,
				resultSetHoldability);
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
		return forStatement(resultSetHoldability).prepareCall(sql, resultSetType, resultSetConcurrency,
				resultSetHoldability);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
		return forStatement().prepareStatement(sql, autoGeneratedKeys);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
		return forStatement().prepareStatement(sql, columnIndexes);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
		return forStatement().prepareStatement(sql, columnNames);
	}

	@Override
	public Clob createClob() throws SQLException {
		return target().createClob();
	}

	@Override
	public Blob createBlob() throws SQLException {
		return target().createBlob();
	}

	@Override
	public NClob createNClob() throws SQLException {
		return target().createNClob();
	}

	@Override
	public SQLXML createSQLXML() throws SQLException {
		return target().createSQLXML();
	}

	@Override
	public boolean isValid(int timeout) throws SQLException {
		return target().isValid(timeout);
	}

	@Override
	public @Nullable String getClientInfo(String name) throws SQLException {
		return target().getClientInfo(name);
	}

	@Override
	public Properties getClientInfo() throws SQLException {
		return target().getClientInfo();
	}

	@Override
	public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
		return target().createArrayOf(typeName, elements);
	}

	@Override
	public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
		return target().createStruct(typeName, attributes);
	}

	@Override
	public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
		target().setNetworkTimeout(executor, milliseconds);
	}

	@Override
	public int getNetworkTimeout() throws SQLException {
		return target().getNetworkTimeout();
	}

	@Override
	public void setClientInfo(String name, String value) throws SQLClientInfoException {
		try {
			target().setClientInfo(name, value);
		}
		catch (SQLClientInfoException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			throw new SQLClientInfoException(ex.getMessage(), ex.getSQLState(), ex.getErrorCode(), Map.of(), ex);
		}
	}

	@Override
	public void setClientInfo(Properties properties) throws SQLClientInfoException {
		try {
			target().setClientInfo(properties);
		}
		catch (SQLClientInfoException ex) {
			throw ex;
		}
		catch (SQLException ex) {
			throw new SQLClientInfoException(ex.getMessage(), ex.getSQLState(), ex.getErrorCode(), Map.of(), ex);
		}
	}

}
