package io.replicarouter.benchmarks.stub;

import java.sql.*;

/**
 * Every {@link ResultSet} method throws; {@link StubResultSet} overrides what is used.
 */
abstract class UnsupportedResultSet implements ResultSet {

	@Override
	public boolean absolute(int arg0) throws SQLException {
		throw unsupported("absolute");
	}

	@Override
	public void afterLast() throws SQLException {
		throw unsupported("afterLast");
	}

	@Override
	public void beforeFirst() throws SQLException {
		throw unsupported("beforeFirst");
	}

	@Override
	public void cancelRowUpdates() throws SQLException {
		throw unsupported("cancelRowUpdates");
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
	public void deleteRow() throws SQLException {
		throw unsupported("deleteRow");
	}

	@Override
	public int findColumn(String arg0) throws SQLException {
		throw unsupported("findColumn");
	}

	@Override
	public boolean first() throws SQLException {
		throw unsupported("first");
	}

	@Override
	public Array getArray(String arg0) throws SQLException {
		throw unsupported("getArray");
	}

	@Override
	public Array getArray(int arg0) throws SQLException {
		throw unsupported("getArray");
	}

	@Override
	public java.io.InputStream getAsciiStream(String arg0) throws SQLException {
		throw unsupported("getAsciiStream");
	}

	@Override
	public java.io.InputStream getAsciiStream(int arg0) throws SQLException {
		throw unsupported("getAsciiStream");
	}

	@Override
	public java.math.BigDecimal getBigDecimal(String arg0, int arg1) throws SQLException {
		throw unsupported("getBigDecimal");
	}

	@Override
	public java.math.BigDecimal getBigDecimal(String arg0) throws SQLException {
		throw unsupported("getBigDecimal");
	}

	@Override
	public java.math.BigDecimal getBigDecimal(int arg0, int arg1) throws SQLException {
		throw unsupported("getBigDecimal");
	}

	@Override
	public java.math.BigDecimal getBigDecimal(int arg0) throws SQLException {
		throw unsupported("getBigDecimal");
	}

	@Override
	public java.io.InputStream getBinaryStream(String arg0) throws SQLException {
		throw unsupported("getBinaryStream");
	}

	@Override
	public java.io.InputStream getBinaryStream(int arg0) throws SQLException {
		throw unsupported("getBinaryStream");
	}

	@Override
	public Blob getBlob(String arg0) throws SQLException {
		throw unsupported("getBlob");
	}

	@Override
	public Blob getBlob(int arg0) throws SQLException {
		throw unsupported("getBlob");
	}

	@Override
	public boolean getBoolean(String arg0) throws SQLException {
		throw unsupported("getBoolean");
	}

	@Override
	public boolean getBoolean(int arg0) throws SQLException {
		throw unsupported("getBoolean");
	}

	@Override
	public byte getByte(String arg0) throws SQLException {
		throw unsupported("getByte");
	}

	@Override
	public byte getByte(int arg0) throws SQLException {
		throw unsupported("getByte");
	}

	@Override
	public byte[] getBytes(String arg0) throws SQLException {
		throw unsupported("getBytes");
	}

	@Override
	public byte[] getBytes(int arg0) throws SQLException {
		throw unsupported("getBytes");
	}

	@Override
	public java.io.Reader getCharacterStream(String arg0) throws SQLException {
		throw unsupported("getCharacterStream");
	}

	@Override
	public java.io.Reader getCharacterStream(int arg0) throws SQLException {
		throw unsupported("getCharacterStream");
	}

	@Override
	public Clob getClob(String arg0) throws SQLException {
		throw unsupported("getClob");
	}

	@Override
	public Clob getClob(int arg0) throws SQLException {
		throw unsupported("getClob");
	}

	@Override
	public int getConcurrency() throws SQLException {
		throw unsupported("getConcurrency");
	}

	@Override
	public String getCursorName() throws SQLException {
		throw unsupported("getCursorName");
	}

	@Override
	public Date getDate(String arg0, java.util.Calendar arg1) throws SQLException {
		throw unsupported("getDate");
	}

	@Override
	public Date getDate(String arg0) throws SQLException {
		throw unsupported("getDate");
	}

	@Override
	public Date getDate(int arg0, java.util.Calendar arg1) throws SQLException {
		throw unsupported("getDate");
	}

	@Override
	public Date getDate(int arg0) throws SQLException {
		throw unsupported("getDate");
	}

	@Override
	public double getDouble(String arg0) throws SQLException {
		throw unsupported("getDouble");
	}

	@Override
	public double getDouble(int arg0) throws SQLException {
		throw unsupported("getDouble");
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
	public float getFloat(String arg0) throws SQLException {
		throw unsupported("getFloat");
	}

	@Override
	public float getFloat(int arg0) throws SQLException {
		throw unsupported("getFloat");
	}

	@Override
	public int getHoldability() throws SQLException {
		throw unsupported("getHoldability");
	}

	@Override
	public int getInt(String arg0) throws SQLException {
		throw unsupported("getInt");
	}

	@Override
	public int getInt(int arg0) throws SQLException {
		throw unsupported("getInt");
	}

	@Override
	public long getLong(String arg0) throws SQLException {
		throw unsupported("getLong");
	}

	@Override
	public long getLong(int arg0) throws SQLException {
		throw unsupported("getLong");
	}

	@Override
	public ResultSetMetaData getMetaData() throws SQLException {
		throw unsupported("getMetaData");
	}

	@Override
	public java.io.Reader getNCharacterStream(String arg0) throws SQLException {
		throw unsupported("getNCharacterStream");
	}

	@Override
	public java.io.Reader getNCharacterStream(int arg0) throws SQLException {
		throw unsupported("getNCharacterStream");
	}

	@Override
	public NClob getNClob(String arg0) throws SQLException {
		throw unsupported("getNClob");
	}

	@Override
	public NClob getNClob(int arg0) throws SQLException {
		throw unsupported("getNClob");
	}

	@Override
	public String getNString(String arg0) throws SQLException {
		throw unsupported("getNString");
	}

	@Override
	public String getNString(int arg0) throws SQLException {
		throw unsupported("getNString");
	}

	@Override
	public <T> T getObject(String arg0, Class<T> arg1) throws SQLException {
		throw unsupported("getObject");
	}

	@Override
	public Object getObject(String arg0, java.util.Map<String, Class<?>> arg1) throws SQLException {
		throw unsupported("getObject");
	}

	@Override
	public Object getObject(String arg0) throws SQLException {
		throw unsupported("getObject");
	}

	@Override
	public <T> T getObject(int arg0, Class<T> arg1) throws SQLException {
		throw unsupported("getObject");
	}

	@Override
	public Object getObject(int arg0, java.util.Map<String, Class<?>> arg1) throws SQLException {
		throw unsupported("getObject");
	}

	@Override
	public Object getObject(int arg0) throws SQLException {
		throw unsupported("getObject");
	}

	@Override
	public Ref getRef(String arg0) throws SQLException {
		throw unsupported("getRef");
	}

	@Override
	public Ref getRef(int arg0) throws SQLException {
		throw unsupported("getRef");
	}

	@Override
	public int getRow() throws SQLException {
		throw unsupported("getRow");
	}

	@Override
	public RowId getRowId(String arg0) throws SQLException {
		throw unsupported("getRowId");
	}

	@Override
	public RowId getRowId(int arg0) throws SQLException {
		throw unsupported("getRowId");
	}

	@Override
	public SQLXML getSQLXML(String arg0) throws SQLException {
		throw unsupported("getSQLXML");
	}

	@Override
	public SQLXML getSQLXML(int arg0) throws SQLException {
		throw unsupported("getSQLXML");
	}

	@Override
	public short getShort(String arg0) throws SQLException {
		throw unsupported("getShort");
	}

	@Override
	public short getShort(int arg0) throws SQLException {
		throw unsupported("getShort");
	}

	@Override
	public Statement getStatement() throws SQLException {
		throw unsupported("getStatement");
	}

	@Override
	public String getString(String arg0) throws SQLException {
		throw unsupported("getString");
	}

	@Override
	public String getString(int arg0) throws SQLException {
		throw unsupported("getString");
	}

	@Override
	public Time getTime(String arg0, java.util.Calendar arg1) throws SQLException {
		throw unsupported("getTime");
	}

	@Override
	public Time getTime(String arg0) throws SQLException {
		throw unsupported("getTime");
	}

	@Override
	public Time getTime(int arg0, java.util.Calendar arg1) throws SQLException {
		throw unsupported("getTime");
	}

	@Override
	public Time getTime(int arg0) throws SQLException {
		throw unsupported("getTime");
	}

	@Override
	public Timestamp getTimestamp(String arg0, java.util.Calendar arg1) throws SQLException {
		throw unsupported("getTimestamp");
	}

	@Override
	public Timestamp getTimestamp(String arg0) throws SQLException {
		throw unsupported("getTimestamp");
	}

	@Override
	public Timestamp getTimestamp(int arg0, java.util.Calendar arg1) throws SQLException {
		throw unsupported("getTimestamp");
	}

	@Override
	public Timestamp getTimestamp(int arg0) throws SQLException {
		throw unsupported("getTimestamp");
	}

	@Override
	public int getType() throws SQLException {
		throw unsupported("getType");
	}

	@Override
	public java.net.URL getURL(String arg0) throws SQLException {
		throw unsupported("getURL");
	}

	@Override
	public java.net.URL getURL(int arg0) throws SQLException {
		throw unsupported("getURL");
	}

	@Override
	public java.io.InputStream getUnicodeStream(String arg0) throws SQLException {
		throw unsupported("getUnicodeStream");
	}

	@Override
	public java.io.InputStream getUnicodeStream(int arg0) throws SQLException {
		throw unsupported("getUnicodeStream");
	}

	@Override
	public SQLWarning getWarnings() throws SQLException {
		throw unsupported("getWarnings");
	}

	@Override
	public void insertRow() throws SQLException {
		throw unsupported("insertRow");
	}

	@Override
	public boolean isAfterLast() throws SQLException {
		throw unsupported("isAfterLast");
	}

	@Override
	public boolean isBeforeFirst() throws SQLException {
		throw unsupported("isBeforeFirst");
	}

	@Override
	public boolean isClosed() throws SQLException {
		throw unsupported("isClosed");
	}

	@Override
	public boolean isFirst() throws SQLException {
		throw unsupported("isFirst");
	}

	@Override
	public boolean isLast() throws SQLException {
		throw unsupported("isLast");
	}

	@Override
	public boolean last() throws SQLException {
		throw unsupported("last");
	}

	@Override
	public void moveToCurrentRow() throws SQLException {
		throw unsupported("moveToCurrentRow");
	}

	@Override
	public void moveToInsertRow() throws SQLException {
		throw unsupported("moveToInsertRow");
	}

	@Override
	public boolean next() throws SQLException {
		throw unsupported("next");
	}

	@Override
	public boolean previous() throws SQLException {
		throw unsupported("previous");
	}

	@Override
	public void refreshRow() throws SQLException {
		throw unsupported("refreshRow");
	}

	@Override
	public boolean relative(int arg0) throws SQLException {
		throw unsupported("relative");
	}

	@Override
	public boolean rowDeleted() throws SQLException {
		throw unsupported("rowDeleted");
	}

	@Override
	public boolean rowInserted() throws SQLException {
		throw unsupported("rowInserted");
	}

	@Override
	public boolean rowUpdated() throws SQLException {
		throw unsupported("rowUpdated");
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
	public void updateArray(String arg0, Array arg1) throws SQLException {
		throw unsupported("updateArray");
	}

	@Override
	public void updateArray(int arg0, Array arg1) throws SQLException {
		throw unsupported("updateArray");
	}

	@Override
	public void updateAsciiStream(String arg0, java.io.InputStream arg1, int arg2) throws SQLException {
		throw unsupported("updateAsciiStream");
	}

	@Override
	public void updateAsciiStream(String arg0, java.io.InputStream arg1, long arg2) throws SQLException {
		throw unsupported("updateAsciiStream");
	}

	@Override
	public void updateAsciiStream(String arg0, java.io.InputStream arg1) throws SQLException {
		throw unsupported("updateAsciiStream");
	}

	@Override
	public void updateAsciiStream(int arg0, java.io.InputStream arg1, int arg2) throws SQLException {
		throw unsupported("updateAsciiStream");
	}

	@Override
	public void updateAsciiStream(int arg0, java.io.InputStream arg1, long arg2) throws SQLException {
		throw unsupported("updateAsciiStream");
	}

	@Override
	public void updateAsciiStream(int arg0, java.io.InputStream arg1) throws SQLException {
		throw unsupported("updateAsciiStream");
	}

	@Override
	public void updateBigDecimal(String arg0, java.math.BigDecimal arg1) throws SQLException {
		throw unsupported("updateBigDecimal");
	}

	@Override
	public void updateBigDecimal(int arg0, java.math.BigDecimal arg1) throws SQLException {
		throw unsupported("updateBigDecimal");
	}

	@Override
	public void updateBinaryStream(String arg0, java.io.InputStream arg1, int arg2) throws SQLException {
		throw unsupported("updateBinaryStream");
	}

	@Override
	public void updateBinaryStream(String arg0, java.io.InputStream arg1, long arg2) throws SQLException {
		throw unsupported("updateBinaryStream");
	}

	@Override
	public void updateBinaryStream(String arg0, java.io.InputStream arg1) throws SQLException {
		throw unsupported("updateBinaryStream");
	}

	@Override
	public void updateBinaryStream(int arg0, java.io.InputStream arg1, int arg2) throws SQLException {
		throw unsupported("updateBinaryStream");
	}

	@Override
	public void updateBinaryStream(int arg0, java.io.InputStream arg1, long arg2) throws SQLException {
		throw unsupported("updateBinaryStream");
	}

	@Override
	public void updateBinaryStream(int arg0, java.io.InputStream arg1) throws SQLException {
		throw unsupported("updateBinaryStream");
	}

	@Override
	public void updateBlob(String arg0, java.io.InputStream arg1, long arg2) throws SQLException {
		throw unsupported("updateBlob");
	}

	@Override
	public void updateBlob(String arg0, java.io.InputStream arg1) throws SQLException {
		throw unsupported("updateBlob");
	}

	@Override
	public void updateBlob(String arg0, Blob arg1) throws SQLException {
		throw unsupported("updateBlob");
	}

	@Override
	public void updateBlob(int arg0, java.io.InputStream arg1, long arg2) throws SQLException {
		throw unsupported("updateBlob");
	}

	@Override
	public void updateBlob(int arg0, java.io.InputStream arg1) throws SQLException {
		throw unsupported("updateBlob");
	}

	@Override
	public void updateBlob(int arg0, Blob arg1) throws SQLException {
		throw unsupported("updateBlob");
	}

	@Override
	public void updateBoolean(String arg0, boolean arg1) throws SQLException {
		throw unsupported("updateBoolean");
	}

	@Override
	public void updateBoolean(int arg0, boolean arg1) throws SQLException {
		throw unsupported("updateBoolean");
	}

	@Override
	public void updateByte(String arg0, byte arg1) throws SQLException {
		throw unsupported("updateByte");
	}

	@Override
	public void updateByte(int arg0, byte arg1) throws SQLException {
		throw unsupported("updateByte");
	}

	@Override
	public void updateBytes(String arg0, byte[] arg1) throws SQLException {
		throw unsupported("updateBytes");
	}

	@Override
	public void updateBytes(int arg0, byte[] arg1) throws SQLException {
		throw unsupported("updateBytes");
	}

	@Override
	public void updateCharacterStream(String arg0, java.io.Reader arg1, int arg2) throws SQLException {
		throw unsupported("updateCharacterStream");
	}

	@Override
	public void updateCharacterStream(String arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("updateCharacterStream");
	}

	@Override
	public void updateCharacterStream(String arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("updateCharacterStream");
	}

	@Override
	public void updateCharacterStream(int arg0, java.io.Reader arg1, int arg2) throws SQLException {
		throw unsupported("updateCharacterStream");
	}

	@Override
	public void updateCharacterStream(int arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("updateCharacterStream");
	}

	@Override
	public void updateCharacterStream(int arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("updateCharacterStream");
	}

	@Override
	public void updateClob(String arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("updateClob");
	}

	@Override
	public void updateClob(String arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("updateClob");
	}

	@Override
	public void updateClob(String arg0, Clob arg1) throws SQLException {
		throw unsupported("updateClob");
	}

	@Override
	public void updateClob(int arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("updateClob");
	}

	@Override
	public void updateClob(int arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("updateClob");
	}

	@Override
	public void updateClob(int arg0, Clob arg1) throws SQLException {
		throw unsupported("updateClob");
	}

	@Override
	public void updateDate(String arg0, Date arg1) throws SQLException {
		throw unsupported("updateDate");
	}

	@Override
	public void updateDate(int arg0, Date arg1) throws SQLException {
		throw unsupported("updateDate");
	}

	@Override
	public void updateDouble(String arg0, double arg1) throws SQLException {
		throw unsupported("updateDouble");
	}

	@Override
	public void updateDouble(int arg0, double arg1) throws SQLException {
		throw unsupported("updateDouble");
	}

	@Override
	public void updateFloat(String arg0, float arg1) throws SQLException {
		throw unsupported("updateFloat");
	}

	@Override
	public void updateFloat(int arg0, float arg1) throws SQLException {
		throw unsupported("updateFloat");
	}

	@Override
	public void updateInt(String arg0, int arg1) throws SQLException {
		throw unsupported("updateInt");
	}

	@Override
	public void updateInt(int arg0, int arg1) throws SQLException {
		throw unsupported("updateInt");
	}

	@Override
	public void updateLong(String arg0, long arg1) throws SQLException {
		throw unsupported("updateLong");
	}

	@Override
	public void updateLong(int arg0, long arg1) throws SQLException {
		throw unsupported("updateLong");
	}

	@Override
	public void updateNCharacterStream(String arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("updateNCharacterStream");
	}

	@Override
	public void updateNCharacterStream(String arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("updateNCharacterStream");
	}

	@Override
	public void updateNCharacterStream(int arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("updateNCharacterStream");
	}

	@Override
	public void updateNCharacterStream(int arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("updateNCharacterStream");
	}

	@Override
	public void updateNClob(String arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("updateNClob");
	}

	@Override
	public void updateNClob(String arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("updateNClob");
	}

	@Override
	public void updateNClob(String arg0, NClob arg1) throws SQLException {
		throw unsupported("updateNClob");
	}

	@Override
	public void updateNClob(int arg0, java.io.Reader arg1, long arg2) throws SQLException {
		throw unsupported("updateNClob");
	}

	@Override
	public void updateNClob(int arg0, java.io.Reader arg1) throws SQLException {
		throw unsupported("updateNClob");
	}

	@Override
	public void updateNClob(int arg0, NClob arg1) throws SQLException {
		throw unsupported("updateNClob");
	}

	@Override
	public void updateNString(String arg0, String arg1) throws SQLException {
		throw unsupported("updateNString");
	}

	@Override
	public void updateNString(int arg0, String arg1) throws SQLException {
		throw unsupported("updateNString");
	}

	@Override
	public void updateNull(String arg0) throws SQLException {
		throw unsupported("updateNull");
	}

	@Override
	public void updateNull(int arg0) throws SQLException {
		throw unsupported("updateNull");
	}

	@Override
	public void updateObject(String arg0, Object arg1, int arg2) throws SQLException {
		throw unsupported("updateObject");
	}

	@Override
	public void updateObject(String arg0, Object arg1) throws SQLException {
		throw unsupported("updateObject");
	}

	@Override
	public void updateObject(int arg0, Object arg1, int arg2) throws SQLException {
		throw unsupported("updateObject");
	}

	@Override
	public void updateObject(int arg0, Object arg1) throws SQLException {
		throw unsupported("updateObject");
	}

	@Override
	public void updateRef(String arg0, Ref arg1) throws SQLException {
		throw unsupported("updateRef");
	}

	@Override
	public void updateRef(int arg0, Ref arg1) throws SQLException {
		throw unsupported("updateRef");
	}

	@Override
	public void updateRow() throws SQLException {
		throw unsupported("updateRow");
	}

	@Override
	public void updateRowId(String arg0, RowId arg1) throws SQLException {
		throw unsupported("updateRowId");
	}

	@Override
	public void updateRowId(int arg0, RowId arg1) throws SQLException {
		throw unsupported("updateRowId");
	}

	@Override
	public void updateSQLXML(String arg0, SQLXML arg1) throws SQLException {
		throw unsupported("updateSQLXML");
	}

	@Override
	public void updateSQLXML(int arg0, SQLXML arg1) throws SQLException {
		throw unsupported("updateSQLXML");
	}

	@Override
	public void updateShort(String arg0, short arg1) throws SQLException {
		throw unsupported("updateShort");
	}

	@Override
	public void updateShort(int arg0, short arg1) throws SQLException {
		throw unsupported("updateShort");
	}

	@Override
	public void updateString(String arg0, String arg1) throws SQLException {
		throw unsupported("updateString");
	}

	@Override
	public void updateString(int arg0, String arg1) throws SQLException {
		throw unsupported("updateString");
	}

	@Override
	public void updateTime(String arg0, Time arg1) throws SQLException {
		throw unsupported("updateTime");
	}

	@Override
	public void updateTime(int arg0, Time arg1) throws SQLException {
		throw unsupported("updateTime");
	}

	@Override
	public void updateTimestamp(String arg0, Timestamp arg1) throws SQLException {
		throw unsupported("updateTimestamp");
	}

	@Override
	public void updateTimestamp(int arg0, Timestamp arg1) throws SQLException {
		throw unsupported("updateTimestamp");
	}

	@Override
	public boolean wasNull() throws SQLException {
		throw unsupported("wasNull");
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
