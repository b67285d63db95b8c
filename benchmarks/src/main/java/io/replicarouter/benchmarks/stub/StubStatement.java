package io.replicarouter.benchmarks.stub;

import java.lang.invoke.MethodHandles;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A statement (plain or prepared) of {@link StubDriver}: answers from memory.
 * <ul>
 * <li>{@code select 1}: one row, 1;</li>
 * <li>replica-router's health probe: in recovery or not, the WAL positions and a fixed
 * server identity, so the primary is up and the replica streaming and caught up;</li>
 * <li>the primary's WAL insert position and a replica's replay position;</li>
 * <li>any other query: no rows (what a layer that inspects the schema at startup finds in
 * an empty database); any other statement: no rows changed.</li>
 * </ul>
 * Abstract: the methods not written here throw, see {@link Unsupported#completing}.
 */
abstract class StubStatement implements PreparedStatement {

	/**
	 * Makes statements; called directly, with no static method around it, so the hot path
	 * inlines as deep as it did with a plain {@code new}.
	 */
	static final Factory FACTORY = Unsupported.completing(MethodHandles.lookup(), Factory.class);

	/**
	 * The WAL position every node reports: replicas have replayed all the primary wrote.
	 */
	static final long LSN = 0x3000000L;

	private static final String[] COLUMN = { "?column?" };

	private static final String[] POSITION_COLUMN = { "pg_wal_lsn_diff" };

	private static final Object[] TRUE_ROW = { Boolean.TRUE };

	private static final Object[] LSN_ROW = { LSN };

	private static final Object[] NULL_ROW = { null };

	private static final Integer NO_ROWS_CHANGED = 0;

	/**
	 * What the SQL strings seen so far ask for, and how multi-statement strings split:
	 * worked out once per string (the layers send a handful of constant strings), so that
	 * answering does not allocate what a real driver would not, and the allocation columns
	 * show the layers' own.
	 */
	private static final Map<String, Kind> KINDS = new ConcurrentHashMap<>();

	private static final Map<String, String[]> PARTS = new ConcurrentHashMap<>();

	private final StubConnection connection;

	private final String preparedSql;

	private ResultSet resultSet;

	private int updateCount = -1;

	/**
	 * Results of a multi-statement execution not yet reached by {@link #getMoreResults()}.
	 */
	private Object[] pending;

	private int nextPending;

	private int queryTimeout;

	private int fetchSize;

	private int maxRows;

	private boolean closed;

	StubStatement(StubConnection connection, String preparedSql) {
		this.connection = connection;
		this.preparedSql = preparedSql;
	}

	private ResultSet answer(String sql) throws SQLException {
		checkOpen();
		this.connection.executed();
		ResultSet answer = answerFor(sql);
		this.resultSet = answer;
		this.updateCount = -1;
		return answer;
	}

	private ResultSet answerFor(String sql) {
		if (sql.length() <= 10 && sql.trim().equalsIgnoreCase("select 1")) {
			return StubResultSet.selectOne(this);
		}
		boolean replica = this.connection.isReplica();
		switch (Kind.of(sql)) {
			case PROBE:
				return StubResultSet.row(this,
						new String[] { "pg_is_in_recovery", "current", "receive", "replay", "identity" },
						new Object[] { replica, replica ? null : LSN, replica ? LSN : null, replica ? LSN : null,
								this.connection.host() + ":5432@2026-01-01 00:00:00+00" });
			case TRANSACTION_ID_ASSIGNED:
				// the benchmark's read-write transactions count as writes, as before
				return StubResultSet.shared(this, COLUMN, TRUE_ROW);
			case INSERT_POSITION:
				return StubResultSet.shared(this, POSITION_COLUMN, replica ? NULL_ROW : LSN_ROW);
			case REPLAY_POSITION:
				return StubResultSet.shared(this, POSITION_COLUMN, replica ? LSN_ROW : NULL_ROW);
			default:
				return StubResultSet.empty(this);
		}
	}

	private int update(String sql) throws SQLException {
		checkOpen();
		this.connection.executed();
		this.resultSet = null;
		this.updateCount = 0;
		return 0;
	}

	private static boolean isQuery(String sql) {
		String start = sql.stripLeading();
		return start.regionMatches(true, 0, "select", 0, 6) || start.regionMatches(true, 0, "with", 0, 4)
				|| start.regionMatches(true, 0, "show", 0, 4);
	}

	private void checkOpen() throws SQLException {
		if (this.closed) {
			throw new SQLException("Statement is closed");
		}
	}

	private String prepared() throws SQLException {
		if (this.preparedSql == null) {
			throw new SQLException("Not a prepared statement");
		}
		return this.preparedSql;
	}

	@Override
	public ResultSet executeQuery(String sql) throws SQLException {
		return answer(sql);
	}

	@Override
	public ResultSet executeQuery() throws SQLException {
		return answer(prepared());
	}

	@Override
	public boolean execute(String sql) throws SQLException {
		if (sql.indexOf(';') >= 0) {
			return executeSeveral(sql);
		}
		if (isQuery(sql)) {
			answer(sql);
			return true;
		}
		update(sql);
		return false;
	}

	@Override
	public boolean execute() throws SQLException {
		return execute(prepared());
	}

	@Override
	public int executeUpdate(String sql) throws SQLException {
		return update(sql);
	}

	@Override
	public int executeUpdate() throws SQLException {
		return update(prepared());
	}

	@Override
	public ResultSet getResultSet() {
		return this.resultSet;
	}

	@Override
	public int getUpdateCount() {
		return this.updateCount;
	}

	/**
	 * Several statements in one round trip, as pgjdbc sends them with one synchronization;
	 * a {@code commit} among them ends the transaction without a round trip of its own.
	 */
	private boolean executeSeveral(String sql) throws SQLException {
		checkOpen();
		this.connection.executed();
		String[] parts = PARTS.computeIfAbsent(sql, StubStatement::split);
		this.pending = new Object[parts.length];
		this.nextPending = 0;
		for (int i = 0; i < parts.length; i++) {
			String statement = parts[i];
			Kind kind = Kind.of(statement);
			if (kind == Kind.COMMIT) {
				this.connection.committedInStatement();
				this.pending[i] = NO_ROWS_CHANGED;
			}
			else {
				this.pending[i] = (kind != Kind.UPDATE) ? answerFor(statement) : NO_ROWS_CHANGED;
			}
		}
		return getMoreResults();
	}

	private static String[] split(String sql) {
		return java.util.Arrays.stream(sql.split(";")).map(String::strip).filter((part) -> !part.isEmpty())
			.toArray(String[]::new);
	}

	@Override
	public boolean getMoreResults() {
		this.resultSet = null;
		this.updateCount = -1;
		if (this.pending == null || this.nextPending >= this.pending.length) {
			return false;
		}
		Object next = this.pending[this.nextPending];
		this.pending[this.nextPending++] = null;
		if (next instanceof ResultSet result) {
			this.resultSet = result;
			return true;
		}
		this.updateCount = (Integer) next;
		return false;
	}

	@Override
	public boolean getMoreResults(int current) {
		return getMoreResults();
	}

	@Override
	public ResultSet getGeneratedKeys() {
		return StubResultSet.empty(this);
	}

	@Override
	public Connection getConnection() {
		return this.connection;
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
	public void closeOnCompletion() {
	}

	@Override
	public boolean isCloseOnCompletion() {
		return false;
	}

	@Override
	public void setQueryTimeout(int seconds) {
		this.queryTimeout = seconds;
	}

	@Override
	public int getQueryTimeout() {
		return this.queryTimeout;
	}

	@Override
	public void setFetchSize(int rows) {
		this.fetchSize = rows;
	}

	@Override
	public int getFetchSize() {
		return this.fetchSize;
	}

	@Override
	public void setMaxRows(int max) {
		this.maxRows = max;
	}

	@Override
	public int getMaxRows() {
		return this.maxRows;
	}

	@Override
	public void setFetchDirection(int direction) {
	}

	@Override
	public int getFetchDirection() {
		return ResultSet.FETCH_FORWARD;
	}

	@Override
	public int getResultSetType() {
		return ResultSet.TYPE_FORWARD_ONLY;
	}

	@Override
	public int getResultSetConcurrency() {
		return ResultSet.CONCUR_READ_ONLY;
	}

	@Override
	public int getResultSetHoldability() {
		return ResultSet.HOLD_CURSORS_OVER_COMMIT;
	}

	@Override
	public void setEscapeProcessing(boolean enable) {
	}

	@Override
	public void setPoolable(boolean poolable) {
	}

	@Override
	public boolean isPoolable() {
		return true;
	}

	@Override
	public SQLWarning getWarnings() {
		return null;
	}

	@Override
	public void clearWarnings() {
	}

	@Override
	public void cancel() {
	}

	@Override
	public void clearParameters() {
	}

	// Parameters are accepted and ignored: the answers do not depend on them.

	@Override
	public void setObject(int index, Object value) {
	}

	@Override
	public void setObject(int index, Object value, int targetSqlType) {
	}

	@Override
	public void setNull(int index, int sqlType) {
	}

	@Override
	public void setInt(int index, int value) {
	}

	@Override
	public void setLong(int index, long value) {
	}

	@Override
	public void setString(int index, String value) {
	}

	@Override
	public void setBoolean(int index, boolean value) {
	}

	@Override
	public void setBigDecimal(int index, BigDecimal value) {
	}

	@Override
	public void addBatch() {
	}

	@Override
	public int[] executeBatch() throws SQLException {
		return new int[0];
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

		StubStatement create(StubConnection connection, String preparedSql);

	}

	/**
	 * What one statement asks for.
	 */
	private enum Kind {

		PROBE, TRANSACTION_ID_ASSIGNED, INSERT_POSITION, REPLAY_POSITION, OTHER_QUERY, COMMIT, UPDATE;

		static Kind of(String sql) {
			return KINDS.computeIfAbsent(sql, Kind::classify);
		}

		private static Kind classify(String sql) {
			String lower = sql.strip().toLowerCase(Locale.ROOT);
			if (lower.contains("pg_postmaster_start_time")) {
				return PROBE;
			}
			if (lower.contains("pg_current_xact_id_if_assigned")) {
				return TRANSACTION_ID_ASSIGNED;
			}
			if (lower.contains("pg_current_wal_insert_lsn") || lower.contains("pg_current_wal_lsn")) {
				return INSERT_POSITION;
			}
			if (lower.contains("pg_last_wal_replay_lsn")) {
				return REPLAY_POSITION;
			}
			if (lower.equals("commit")) {
				return COMMIT;
			}
			return isQuery(lower) ? OTHER_QUERY : UPDATE;
		}

	}

}
