package io.replicarouter.benchmarks.stub;

import java.sql.*;

/**
 * Every {@link Connection} method throws; {@link StubConnection} overrides what pools, Spring and the
 * layers under test call.
 */
abstract class UnsupportedConnection implements Connection {

	@Override
	public void abort(java.util.concurrent.Executor arg0) throws SQLException {
		throw unsupported("abort");
	}

	@Override
	public void clearWarnings() throws SQLException {
		throw unsupported("clearWarnings");
	}

	@Override
	public void close() throws SQLException {
		throw unsupported("close");
	}

	@Override
	public void commit() throws SQLException {
		throw unsupported("commit");
	}

	@Override
	public Array createArrayOf(String arg0, Object[] arg1) throws SQLException {
		throw unsupported("createArrayOf");
	}

	@Override
	public Blob createBlob() throws SQLException {
		throw unsupported("createBlob");
	}

	@Override
	public Clob createClob() throws SQLException {
		throw unsupported("createClob");
	}

	@Override
	public NClob createNClob() throws SQLException {
		throw unsupported("createNClob");
	}

	@Override
	public SQLXML createSQLXML() throws SQLException {
		throw unsupported("createSQLXML");
	}

	@Override
	public Statement createStatement() throws SQLException {
		throw unsupported("createStatement");
	}

	@Override
	public Statement createStatement(int arg0, int arg1, int arg2) throws SQLException {
		throw unsupported("createStatement");
	}

	@Override
	public Statement createStatement(int arg0, int arg1) throws SQLException {
		throw unsupported("createStatement");
	}

	@Override
	public Struct createStruct(String arg0, Object[] arg1) throws SQLException {
		throw unsupported("createStruct");
	}

	@Override
	public boolean getAutoCommit() throws SQLException {
		throw unsupported("getAutoCommit");
	}

	@Override
	public String getCatalog() throws SQLException {
		throw unsupported("getCatalog");
	}

	@Override
	public java.util.Properties getClientInfo() throws SQLException {
		throw unsupported("getClientInfo");
	}

	@Override
	public String getClientInfo(String arg0) throws SQLException {
		throw unsupported("getClientInfo");
	}

	@Override
	public int getHoldability() throws SQLException {
		throw unsupported("getHoldability");
	}

	@Override
	public DatabaseMetaData getMetaData() throws SQLException {
		throw unsupported("getMetaData");
	}

	@Override
	public int getNetworkTimeout() throws SQLException {
		throw unsupported("getNetworkTimeout");
	}

	@Override
	public String getSchema() throws SQLException {
		throw unsupported("getSchema");
	}

	@Override
	public int getTransactionIsolation() throws SQLException {
		throw unsupported("getTransactionIsolation");
	}

	@Override
	public java.util.Map<String, Class<?>> getTypeMap() throws SQLException {
		throw unsupported("getTypeMap");
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		throw unsupported("getWarnings");
	}

	@Override
	public boolean isClosed() throws SQLException {
		throw unsupported("isClosed");
	}

	@Override
	public boolean isReadOnly() throws SQLException {
		throw unsupported("isReadOnly");
	}

	@Override
	public boolean isValid(int arg0) throws SQLException {
		throw unsupported("isValid");
	}

	@Override
	public String nativeSQL(String arg0) throws SQLException {
		throw unsupported("nativeSQL");
	}

	@Override
	public CallableStatement prepareCall(String arg0, int arg1, int arg2, int arg3) throws SQLException {
		throw unsupported("prepareCall");
	}

	@Override
	public CallableStatement prepareCall(String arg0, int arg1, int arg2) throws SQLException {
		throw unsupported("prepareCall");
	}

	@Override
	public CallableStatement prepareCall(String arg0) throws SQLException {
		throw unsupported("prepareCall");
	}

	@Override
	public PreparedStatement prepareStatement(String arg0, int[] arg1) throws SQLException {
		throw unsupported("prepareStatement");
	}

	@Override
	public PreparedStatement prepareStatement(String arg0, String[] arg1) throws SQLException {
		throw unsupported("prepareStatement");
	}

	@Override
	public PreparedStatement prepareStatement(String arg0, int arg1, int arg2, int arg3) throws SQLException {
		throw unsupported("prepareStatement");
	}

	@Override
	public PreparedStatement prepareStatement(String arg0, int arg1, int arg2) throws SQLException {
		throw unsupported("prepareStatement");
	}

	@Override
	public PreparedStatement prepareStatement(String arg0, int arg1) throws SQLException {
		throw unsupported("prepareStatement");
	}

	@Override
	public PreparedStatement prepareStatement(String arg0) throws SQLException {
		throw unsupported("prepareStatement");
	}

	@Override
	public void releaseSavepoint(Savepoint arg0) throws SQLException {
		throw unsupported("releaseSavepoint");
	}

	@Override
	public void rollback() throws SQLException {
		throw unsupported("rollback");
	}

	@Override
	public void rollback(Savepoint arg0) throws SQLException {
		throw unsupported("rollback");
	}

	@Override
	public void setAutoCommit(boolean arg0) throws SQLException {
		throw unsupported("setAutoCommit");
	}

	@Override
	public void setCatalog(String arg0) throws SQLException {
		throw unsupported("setCatalog");
	}

	@Override
	public void setClientInfo(String arg0, String arg1) throws SQLClientInfoException {
		throw new UnsupportedOperationException("setClientInfo");
	}

	@Override
	public void setClientInfo(java.util.Properties arg0) throws SQLClientInfoException {
		throw new UnsupportedOperationException("setClientInfo");
	}

	@Override
	public void setHoldability(int arg0) throws SQLException {
		throw unsupported("setHoldability");
	}

	@Override
	public void setNetworkTimeout(java.util.concurrent.Executor arg0, int arg1) throws SQLException {
		throw unsupported("setNetworkTimeout");
	}

	@Override
	public void setReadOnly(boolean arg0) throws SQLException {
		throw unsupported("setReadOnly");
	}

	@Override
	public Savepoint setSavepoint() throws SQLException {
		throw unsupported("setSavepoint");
	}

	@Override
	public Savepoint setSavepoint(String arg0) throws SQLException {
		throw unsupported("setSavepoint");
	}

	@Override
	public void setSchema(String arg0) throws SQLException {
		throw unsupported("setSchema");
	}

	@Override
	public void setTransactionIsolation(int arg0) throws SQLException {
		throw unsupported("setTransactionIsolation");
	}

	@Override
	public void setTypeMap(java.util.Map<String, Class<?>> arg0) throws SQLException {
		throw unsupported("setTypeMap");
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return (T) this;
		}
		throw new SQLException("Not a wrapper for " + iface.getName());
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) {
		return iface.isInstance(this);
	}

	static SQLFeatureNotSupportedException unsupported(String method) {
		return new SQLFeatureNotSupportedException("The stub driver does not support " + method);
	}

}
