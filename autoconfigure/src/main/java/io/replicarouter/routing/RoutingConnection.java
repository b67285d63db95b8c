package io.replicarouter.routing;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

/**
 * The lazy connection handle of {@link ReplicaRoutingDataSource}.
 * <p>
 * Until a statement is created it only records what transaction managers set on it
 * (auto-commit, read-only, isolation, holdability) and treats commit, rollback and close
 * as no-ops. The first call that needs the database binds it to a node, applies the
 * recorded settings and delegates from then on. Not thread-safe, like any JDBC connection.
 */
final class RoutingConnection implements RoutedConnection {

	private static final int UNSET = -1;

	private final ReplicaRoutingDataSource router;

	private boolean autoCommit;

	private boolean readOnly;

	private int isolation = UNSET;

	private int holdability = UNSET;

	private boolean closed;

	private @Nullable Connection target;

	private @Nullable DataSourceNode node;

	private @Nullable RoutingReason reason;

	private boolean unrecordedWrite;

	RoutingConnection(ReplicaRoutingDataSource router, boolean defaultAutoCommit) {
		this.router = router;
		this.autoCommit = defaultAutoCommit;
	}

	void bound(DataSourceNode node, RoutingReason reason) {
		this.node = node;
		this.reason = reason;
		this.unrecordedWrite = (reason == RoutingReason.READ_WRITE);
	}

	@Override
	public @Nullable DataSourceNode node() {
		return this.node;
	}

	@Override
	public @Nullable RoutingReason reason() {
		return this.reason;
	}

	private Connection target() throws SQLException {
		Connection connection = this.target;
		if (connection != null) {
			// A statement on a read-write connection may write again after a commit.
			this.unrecordedWrite |= (this.reason == RoutingReason.READ_WRITE);
			return connection;
		}
		if (this.closed) {
			throw new SQLException("Connection is closed", "08003");
		}
		connection = this.router.acquire(this.readOnly, this.autoCommit, this);
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
			if (connection.getAutoCommit() != this.autoCommit) {
				connection.setAutoCommit(this.autoCommit);
			}
		}
		catch (SQLException | RuntimeException ex) {
			released(connection);
			connection.close();
			throw ex;
		}
		this.target = connection;
		DataSourceNode bound = this.node;
		RoutingReason boundFor = this.reason;
		if (bound != null && boundFor != null) {
			this.router.inUse(bound, boundFor, connection);
		}
		return connection;
	}

	// Transaction demarcation: recorded until the connection is bound

	@Override
	public void setAutoCommit(boolean autoCommit) throws SQLException {
		if (this.target != null) {
			this.target.setAutoCommit(autoCommit);
		}
		else {
			checkOpen();
			this.autoCommit = autoCommit;
		}
	}

	@Override
	public boolean getAutoCommit() throws SQLException {
		return (this.target != null) ? this.target.getAutoCommit() : this.autoCommit;
	}

	@Override
	public void setReadOnly(boolean readOnly) throws SQLException {
		if (this.target != null) {
			this.target.setReadOnly(readOnly);
		}
		else {
			checkOpen();
			this.readOnly = readOnly;
		}
	}

	@Override
	public boolean isReadOnly() throws SQLException {
		return (this.target != null) ? this.target.isReadOnly() : this.readOnly;
	}

	@Override
	public void setTransactionIsolation(int level) throws SQLException {
		if (this.target != null) {
			this.target.setTransactionIsolation(level);
		}
		else {
			checkOpen();
			this.isolation = level;
		}
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		return (this.target == null && this.isolation != UNSET) ? this.isolation : target().getTransactionIsolation();
	}

	@Override
	public void setHoldability(int holdability) throws SQLException {
		if (this.target != null) {
			this.target.setHoldability(holdability);
		}
		else {
			checkOpen();
			this.holdability = holdability;
		}
	}

	@Override
	public int getHoldability() throws SQLException {
		return (this.target == null && this.holdability != UNSET) ? this.holdability : target().getHoldability();
	}

	@Override
	public void commit() throws SQLException {
		if (this.target != null) {
			try {
				this.target.commit();
			}
			catch (SQLException ex) {
				endReadOnlyWorkOnLostReplica(ex);
				return;
			}
			if (this.unrecordedWrite) {
				this.unrecordedWrite = false;
				this.router.afterPrimaryWrite(this.target);
			}
		}
		else {
			checkOpen();
		}
	}

	@Override
	public void rollback() throws SQLException {
		if (this.target != null) {
			this.unrecordedWrite = false;
			try {
				this.target.rollback();
			}
			catch (SQLException ex) {
				rollBackOnLostConnection(ex);
			}
		}
		else {
			checkOpen();
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
		DataSourceNode bound = this.node;
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
		DataSourceNode bound = this.node;
		boolean readOnlyWork = this.reason == RoutingReason.READ_ONLY
				|| this.reason == RoutingReason.NON_TRANSACTIONAL_READ;
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

	@Override
	public void close() throws SQLException {
		this.closed = true;
		Connection connection = this.target;
		if (connection != null) {
			this.target = null;
			released(connection);
			try {
				if (this.unrecordedWrite && connection.getAutoCommit()) {
					// Work in auto-commit mode committed statement by statement.
					this.unrecordedWrite = false;
					this.router.afterPrimaryWrite(connection);
				}
			}
			finally {
				connection.close();
			}
		}
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
			released(connection);
			connection.abort(executor);
		}
	}

	private void released(Connection connection) {
		DataSourceNode bound = this.node;
		if (bound != null) {
			this.router.released(bound, connection);
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
		DataSourceNode bound = this.node;
		return "RoutedConnection[" + ((bound != null) ? bound.name() + ", " + this.reason : "not bound yet") + "]";
	}

	// Everything else needs the database: bind, then delegate

	@Override
	public Statement createStatement() throws SQLException {
		return target().createStatement();
	}

	@Override
	public PreparedStatement prepareStatement(String sql) throws SQLException {
		return target().prepareStatement(sql);
	}

	@Override
	public CallableStatement prepareCall(String sql) throws SQLException {
		return target().prepareCall(sql);
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
	public void setCatalog(String catalog) throws SQLException {
		target().setCatalog(catalog);
	}

	@Override
	public @Nullable String getCatalog() throws SQLException {
		return target().getCatalog();
	}

	@Override
	public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
		return target().createStatement(resultSetType, resultSetConcurrency);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
		return target().prepareStatement(sql, resultSetType, resultSetConcurrency);
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
		return target().prepareCall(sql, resultSetType, resultSetConcurrency);
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
		return target().createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
		return target().prepareStatement(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
	}

	@Override
	public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency, int resultSetHoldability) throws SQLException {
		return target().prepareCall(sql, resultSetType, resultSetConcurrency, resultSetHoldability);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
		return target().prepareStatement(sql, autoGeneratedKeys);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
		return target().prepareStatement(sql, columnIndexes);
	}

	@Override
	public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
		return target().prepareStatement(sql, columnNames);
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
	public void setSchema(String schema) throws SQLException {
		target().setSchema(schema);
	}

	@Override
	public @Nullable String getSchema() throws SQLException {
		return target().getSchema();
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
