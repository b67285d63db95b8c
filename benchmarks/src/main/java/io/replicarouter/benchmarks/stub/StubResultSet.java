package io.replicarouter.benchmarks.stub;

import java.lang.invoke.MethodHandles;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Types;

/**
 * A result of {@link StubDriver}: no rows, or one row held in memory.
 * <p>
 * Abstract, like its {@link Columns}: the methods not written here throw, see
 * {@link Unsupported#completing}.
 */
abstract class StubResultSet implements ResultSet {

	private static final Factory FACTORY = Unsupported.completing(MethodHandles.lookup(), Factory.class);

	private static final String[] NO_COLUMNS = {};

	private static final String[] SELECT_ONE_COLUMNS = { "?column?" };

	private static final Object[] SELECT_ONE_ROW = { 1 };

	private final Statement statement;

	private final String[] labels;

	private final Object[] row;

	private int position;

	private boolean wasNull;

	private boolean closed;

	StubResultSet(Statement statement, String[] labels, Object[] row) {
		this.statement = statement;
		this.labels = labels;
		this.row = row;
	}

	static ResultSet empty() {
		return FACTORY.create(null, NO_COLUMNS, null);
	}

	static ResultSet empty(Statement statement) {
		return FACTORY.create(statement, NO_COLUMNS, null);
	}

	static ResultSet selectOne(Statement statement) {
		return FACTORY.create(statement, SELECT_ONE_COLUMNS, SELECT_ONE_ROW);
	}

	static ResultSet one(Statement statement, String label, Object value) {
		return FACTORY.create(statement, new String[] { label }, new Object[] { value });
	}

	/**
	 * One row of one column whose label and value arrays the caller keeps (they are only
	 * read), so that answering allocates nothing but the result set.
	 */
	static ResultSet shared(Statement statement, String[] label, Object[] value) {
		return FACTORY.create(statement, label, value);
	}

	static ResultSet row(Statement statement, String[] labels, Object[] values) {
		return FACTORY.create(statement, labels, values);
	}

	@Override
	public boolean next() throws SQLException {
		checkOpen();
		if (this.row != null && this.position == 0) {
			this.position = 1;
			return true;
		}
		this.position = 2;
		return false;
	}

	private Object value(int column) throws SQLException {
		checkOpen();
		if (this.position != 1) {
			throw new SQLException("No current row");
		}
		if (column < 1 || column > this.row.length) {
			throw new SQLException("No column " + column);
		}
		Object value = this.row[column - 1];
		this.wasNull = (value == null);
		return value;
	}

	private void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Result set is closed");
		}
	}

	@Override
	public int findColumn(String label) throws SQLException {
		for (int i = 0; i < this.labels.length; i++) {
			if (this.labels[i].equalsIgnoreCase(label)) {
				return i + 1;
			}
		}
		throw new SQLException("No column " + label);
	}

	@Override
	public boolean wasNull() {
		return this.wasNull;
	}

	@Override
	public Object getObject(int column) throws SQLException {
		return value(column);
	}

	@Override
	public Object getObject(String label) throws SQLException {
		return value(findColumn(label));
	}

	@Override
	public <T> T getObject(int column, Class<T> type) throws SQLException {
		Object value = value(column);
		if (value == null) {
			return null;
		}
		if (type == Integer.class && value instanceof Number number) {
			return type.cast(number.intValue());
		}
		if (type == Long.class && value instanceof Number number) {
			return type.cast(number.longValue());
		}
		return type.cast(value);
	}

	@Override
	public <T> T getObject(String label, Class<T> type) throws SQLException {
		return getObject(findColumn(label), type);
	}

	@Override
	public int getInt(int column) throws SQLException {
		Object value = value(column);
		return (value != null) ? ((Number) value).intValue() : 0;
	}

	@Override
	public int getInt(String label) throws SQLException {
		return getInt(findColumn(label));
	}

	@Override
	public long getLong(int column) throws SQLException {
		Object value = value(column);
		return (value != null) ? ((Number) value).longValue() : 0;
	}

	@Override
	public long getLong(String label) throws SQLException {
		return getLong(findColumn(label));
	}

	@Override
	public boolean getBoolean(int column) throws SQLException {
		Object value = value(column);
		return (value instanceof Boolean flag) ? flag : (value instanceof Number number && number.intValue() != 0);
	}

	@Override
	public boolean getBoolean(String label) throws SQLException {
		return getBoolean(findColumn(label));
	}

	@Override
	public String getString(int column) throws SQLException {
		Object value = value(column);
		return (value != null) ? value.toString() : null;
	}

	@Override
	public String getString(String label) throws SQLException {
		return getString(findColumn(label));
	}

	@Override
	public ResultSetMetaData getMetaData() {
		return Columns.FACTORY.create(this);
	}

	@Override
	public Statement getStatement() {
		return this.statement;
	}

	@Override
	public void close() {
		this.closed = true;
	}

	@Override
	public boolean isClosed() {
		return this.closed;
	}

	@Override
	public SQLWarning getWarnings() {
		return null;
	}

	@Override
	public void clearWarnings() {
	}

	@Override
	public int getType() {
		return ResultSet.TYPE_FORWARD_ONLY;
	}

	@Override
	public int getConcurrency() {
		return ResultSet.CONCUR_READ_ONLY;
	}

	@Override
	public int getHoldability() {
		return ResultSet.HOLD_CURSORS_OVER_COMMIT;
	}

	@Override
	public void setFetchSize(int rows) {
	}

	@Override
	public int getFetchSize() {
		return 0;
	}

	@Override
	public void setFetchDirection(int direction) {
	}

	@Override
	public int getFetchDirection() {
		return ResultSet.FETCH_FORWARD;
	}

	@Override
	public <T> T unwrap(Class<T> iface) throws SQLException {
		if (iface.isInstance(this)) {
			return iface.cast(this);
		}
		throw new SQLException("Not a wrapper for " + iface.getName());
	}

	@Override
	public boolean isWrapperFor(Class<?> iface) {
		return iface.isInstance(this);
	}

	/**
	 * The columns of a {@link StubResultSet}: Spring's {@code SingleColumnRowMapper} asks for
	 * them on every row, so, like the result set, a class with the rest completed. It holds the
	 * result set only, so that it costs what an inner class did.
	 */
	abstract static class Columns implements ResultSetMetaData {

		private static final Factory FACTORY = Unsupported.completing(MethodHandles.lookup(), Factory.class);

		private final StubResultSet resultSet;

		Columns(StubResultSet resultSet) {
			this.resultSet = resultSet;
		}

		@Override
		public int getColumnCount() {
			return this.resultSet.labels.length;
		}

		@Override
		public String getColumnLabel(int column) {
			return this.resultSet.labels[column - 1];
		}

		@Override
		public String getColumnName(int column) {
			return this.resultSet.labels[column - 1];
		}

		@Override
		public int getColumnType(int column) {
			Object value = (this.resultSet.row != null) ? this.resultSet.row[column - 1] : null;
			if (value instanceof Integer) {
				return Types.INTEGER;
			}
			if (value instanceof Long) {
				return Types.BIGINT;
			}
			if (value instanceof Boolean) {
				return Types.BOOLEAN;
			}
			return Types.VARCHAR;
		}

		@Override
		public String getColumnTypeName(int column) {
			return switch (getColumnType(column)) {
				case Types.INTEGER -> "int4";
				case Types.BIGINT -> "int8";
				case Types.BOOLEAN -> "bool";
				default -> "text";
			};
		}

		@Override
		public String getColumnClassName(int column) {
			return switch (getColumnType(column)) {
				case Types.INTEGER -> Integer.class.getName();
				case Types.BIGINT -> Long.class.getName();
				case Types.BOOLEAN -> Boolean.class.getName();
				default -> String.class.getName();
			};
		}

		@Override
		public int isNullable(int column) {
			return columnNullableUnknown;
		}

		@Override
		public <T> T unwrap(Class<T> iface) throws SQLException {
			if (iface.isInstance(this)) {
				return iface.cast(this);
			}
			throw new SQLException("Not a wrapper for " + iface.getName());
		}

		@Override
		public boolean isWrapperFor(Class<?> iface) {
			return iface.isInstance(this);
		}

		@FunctionalInterface
		interface Factory {

			Columns create(StubResultSet resultSet);

		}

	}

	@FunctionalInterface
	interface Factory {

		StubResultSet create(Statement statement, String[] labels, Object[] row);

	}

}
