package io.replicarouter.benchmarks.stub;

import java.sql.*;

/**
 * Every {@link PreparedStatement} method throws; {@link StubStatement} overrides what is used.
 */
abstract class UnsupportedStatement implements PreparedStatement {

	@Override
	public void addBatch() throws SQLException {
		throw unsupported("addBatch");
	}

	@Override
	public void addBatch(String arg0) throws SQLException {
		throw unsupported("addBatch");
	}

	@Override
	public void cancel() throws SQLException {
		throw unsupported("cancel");
	}

	@Override
	public void clearBatch() throws SQLException {
		throw unsupported("clearBatch");
	}

	@Override
	public void clearParameters() throws SQLException {
		throw unsupported("clearParameters");
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
	public void closeOnCompletion() throws SQLException {
		throw unsupported("closeOnCompletion");
	}

	@Override
	public boolean execute() throws SQLException {
		throw unsupported("execute");
	}

	@Override
	public boolean execute(String arg0, int[] arg1) throws SQLException {
		throw unsupported("execute");
	}

	@Override
	public boolean execute(String arg0, String[] arg1) throws SQLException {
		throw unsupported("execute");
	}

	@Override
	public boolean execute(String arg0, int arg1) throws SQLException {
		throw unsupported("execute");
	}

	@Override
	public boolean execute(String arg0) throws SQLException {
		throw unsupported("execute");
	}

	@Override
	public int[] executeBatch() throws SQLException {
		throw unsupported("executeBatch");
	}

	@Override
	public ResultSet executeQuery() throws SQLException {
		throw unsupported("executeQuery");
	}

	@Override
	public ResultSet executeQuery(String arg0) throws SQLException {
		throw unsupported("executeQuery");
	}

	@Override
	public int executeUpdate() throws SQLException {
		throw unsupported("executeUpdate");
	}

	@Override
	public int executeUpdate(String arg0, int[] arg1) throws SQLException {
		throw unsupported("executeUpdate");
	}

	@Override
	public int executeUpdate(String arg0, String[] arg1) throws SQLException {
		throw unsupported("executeUpdate");
	}

	@Override
	public int executeUpdate(String arg0, int arg1) throws SQLException {
		throw unsupported("executeUpdate");
	}

	@Override
	public int executeUpdate(String arg0) throws SQLException {
		throw unsupported("executeUpdate");
	}

	@Override
	public Connection getConnection() throws SQLException {
		throw unsupported("getConnection");
	}

	@Override
	public int getFetchDirection() throws SQLException {
		throw unsupported("getFetchDirection");
	}

	@Override
	public int getFetchSize() throws SQLException {
		throw unsupported("getFetchSize");
	}

	@Override
	public ResultSet getGeneratedKeys() throws SQLException {
		throw unsupported("getGeneratedKeys");
	}

	@Override
	public int getMaxFieldSize() throws SQLException {
		throw unsupported("getMaxFieldSize");
	}

	@Override
	public int getMaxRows() throws SQLException {
		throw unsupported("getMaxRows");
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		throw unsupported("getMetaData");
	}

	@Override
	public boolean getMoreResults() throws SQLException {
		throw unsupported("getMoreResults");
	}

	@Override
	public boolean getMoreResults(int arg0) throws SQLException {
		throw unsupported("getMoreResults");
	}

	@Override
	public ParameterMetaData getParameterMetaData() throws SQLException {
		throw unsupported("getParameterMetaData");
	}

	@Override
	public int getQueryTimeout() throws SQLException {
		throw unsupported("getQueryTimeout");
	}

	@Override
	public ResultSet getResultSet() throws SQLException {
		throw unsupported("getResultSet");
	}

	@Override
	public int getResultSetConcurrency() throws SQLException {
		throw unsupported("getResultSetConcurrency");
	}

	@Override
	public int getResultSetHoldability() throws SQLException {
		throw unsupported("getResultSetHoldability");
	}

	@Override
	public int getResultSetType() throws SQLException {
		throw unsupported("getResultSetType");
	}

	@Override
	public int getUpdateCount() throws SQLException {
		throw unsupported("getUpdateCount");
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		throw unsupported("getWarnings");
	}

	@Override
	public boolean isCloseOnCompletion() throws SQLException {
		throw unsupported("isCloseOnCompletion");
	}

	@Override
	public boolean isClosed() throws SQLException {
		throw unsupported("isClosed");
	}

	@Override
	public boolean isPoolable() throws SQLException {
		throw unsupported("isPoolable");
	}

	@Override
	public void setArray(int arg0, Array arg1) throws SQLException {
		throw unsupported("setArray");
	}

	@Override
	public void setAsciiStream(int arg0, java.io.InputStream arg1, int arg2) throws SQLException {
		throw unsupported("setAsciiStream");
	}

	@Override
	public void setAsciiStream(int arg0, java.io.InputStream arg1, long arg2) throws SQLException {
		throw unsupported("setAsciiStream");
	}

	@Override
	public void setAsciiStream(int arg0, java.io.InputStream arg1) throws SQLException {
		throw unsupported("setAsciiStream");
	}

	@Override
	public void setBigDecimal(int arg0, java.math.BigDecimal arg1) throws SQLException {
		throw unsupported("setBigDecimal");
	}

	@Override
	public void setBinaryStream(int arg0, java.io.InputStream arg1, int arg2) throws SQLException {
		throw unsupported("setBinaryStream");
	}

	@Override
	public void setBinaryStream(int arg0, java.io.InputStream arg1, long arg2) throws SQLException {
		throw unsupported("setBinaryStream");
	}

	@Override
	public void setBinaryStream(int arg0, java.io.InputStream arg1) throws SQLException {
		throw unsupported("setBinaryStream");
	}

	@Override
	public void setBlob(int arg0, java.io.InputStream arg1, long arg2) throws SQLException {
		throw unsupported("setBlob");
	}

	@Override
	public void setBlob(int arg0, java.io.InputStream arg1) throws SQLException {
		throw unsupported("setBlob");
	}

	@Override
	public void setBlob(int arg0, Blob arg1) throws SQLException {
		throw unsupported("setBlob");
	}

	@Override
	public void setBoolean(int arg0, boolean arg1) throws SQLException {
		throw unsupported("setBoolean");
	}

	@Override
	public void setByte(int arg0, byte arg1) throws SQLException {
		throw unsupported("setByte");
	}

	@Override
	public void setBytes(int arg0, byte[] arg1) throws SQLException {
		throw unsupported("setBytes");
	}

	@Override
	public void setCharacterStream(int arg0, java.io.Reader arg1, int arg2) throws SQLException {
		throw unsupported("setCharacterStream");
	}

	@Override
	public void setCharacterStream(int arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("setCharacterStream");
	}

	@Override
	public void setCharacterStream(int arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("setCharacterStream");
	}

	@Override
	public void setClob(int arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("setClob");
	}

	@Override
	public void setClob(int arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("setClob");
	}

	@Override
	public void setClob(int arg0, Clob arg1) throws SQLException {
		throw unsupported("setClob");
	}

	@Override
	public void setCursorName(String arg0) throws SQLException {
		throw unsupported("setCursorName");
	}

	@Override
	public void setDate(int arg0, Date arg1, java.util.Calendar arg2) throws SQLException {
		throw unsupported("setDate");
	}

	@Override
	public void setDate(int arg0, Date arg1) throws SQLException {
		throw unsupported("setDate");
	}

	@Override
	public void setDouble(int arg0, double arg1) throws SQLException {
		throw unsupported("setDouble");
	}

	@Override
	public void setEscapeProcessing(boolean arg0) throws SQLException {
		throw unsupported("setEscapeProcessing");
	}

	@Override
	public void setFetchDirection(int arg0) throws SQLException {
		throw unsupported("setFetchDirection");
	}

	@Override
	public void setFetchSize(int arg0) throws SQLException {
		throw unsupported("setFetchSize");
	}

	@Override
	public void setFloat(int arg0, float arg1) throws SQLException {
		throw unsupported("setFloat");
	}

	@Override
	public void setInt(int arg0, int arg1) throws SQLException {
		throw unsupported("setInt");
	}

	@Override
	public void setLong(int arg0, long arg1) throws SQLException {
		throw unsupported("setLong");
	}

	@Override
	public void setMaxFieldSize(int arg0) throws SQLException {
		throw unsupported("setMaxFieldSize");
	}

	@Override
	public void setMaxRows(int arg0) throws SQLException {
		throw unsupported("setMaxRows");
	}

	@Override
	public void setNCharacterStream(int arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("setNCharacterStream");
	}

	@Override
	public void setNCharacterStream(int arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("setNCharacterStream");
	}

	@Override
	public void setNClob(int arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("setNClob");
	}

	@Override
	public void setNClob(int arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("setNClob");
	}

	@Override
	public void setNClob(int arg0, NClob arg1) throws SQLException {
		throw unsupported("setNClob");
	}

	@Override
	public void setNString(int arg0, String arg1) throws SQLException {
		throw unsupported("setNString");
	}

	@Override
	public void setNull(int arg0, int arg1, String arg2) throws SQLException {
		throw unsupported("setNull");
	}

	@Override
	public void setNull(int arg0, int arg1) throws SQLException {
		throw unsupported("setNull");
	}

	@Override
	public void setObject(int arg0, Object arg1, int arg2, int arg3) throws SQLException {
		throw unsupported("setObject");
	}

	@Override
	public void setObject(int arg0, Object arg1, int arg2) throws SQLException {
		throw unsupported("setObject");
	}

	@Override
	public void setObject(int arg0, Object arg1) throws SQLException {
		throw unsupported("setObject");
	}

	@Override
	public void setPoolable(boolean arg0) throws SQLException {
		throw unsupported("setPoolable");
	}

	@Override
	public void setQueryTimeout(int arg0) throws SQLException {
		throw unsupported("setQueryTimeout");
	}

	@Override
	public void setRef(int arg0, Ref arg1) throws SQLException {
		throw unsupported("setRef");
	}

	@Override
	public void setRowId(int arg0, RowId arg1) throws SQLException {
		throw unsupported("setRowId");
	}

	@Override
	public void setSQLXML(int arg0, SQLXML arg1) throws SQLException {
		throw unsupported("setSQLXML");
	}

	@Override
	public void setShort(int arg0, short arg1) throws SQLException {
		throw unsupported("setShort");
	}

	@Override
	public void setString(int arg0, String arg1) throws SQLException {
		throw unsupported("setString");
	}

	@Override
	public void setTime(int arg0, Time arg1, java.util.Calendar arg2) throws SQLException {
		throw unsupported("setTime");
	}

	@Override
	public void setTime(int arg0, Time arg1) throws SQLException {
		throw unsupported("setTime");
	}

	@Override
	public void setTimestamp(int arg0, Timestamp arg1, java.util.Calendar arg2) throws SQLException {
		throw unsupported("setTimestamp");
	}

	@Override
	public void setTimestamp(int arg0, Timestamp arg1) throws SQLException {
		throw unsupported("setTimestamp");
	}

	@Override
	public void setURL(int arg0, java.net.URL arg1) throws SQLException {
		throw unsupported("setURL");
	}

	@Override
	public void setUnicodeStream(int arg0, java.io.InputStream arg1, int arg2) throws SQLException {
		throw unsupported("setUnicodeStream");
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
