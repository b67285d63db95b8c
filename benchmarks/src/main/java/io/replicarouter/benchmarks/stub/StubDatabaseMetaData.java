package io.replicarouter.benchmarks.stub;

import java.sql.Connection;
import java.sql.ResultSet;

/**
 * What a {@link StubConnection} says about its database: PostgreSQL 17, its URL and user,
 * and an empty schema.
 */
final class StubDatabaseMetaData extends DefaultDatabaseMetaData {

	private final StubConnection connection;

	StubDatabaseMetaData(StubConnection connection) {
		this.connection = connection;
	}

	@Override
	public Connection getConnection() {
		return this.connection;
	}

	@Override
	public String getURL() {
		return this.connection.url();
	}

	@Override
	public String getUserName() {
		return "bench";
	}

	@Override
	public String getDatabaseProductName() {
		return "PostgreSQL";
	}

	@Override
	public String getDatabaseProductVersion() {
		return "17.6";
	}

	@Override
	public int getDatabaseMajorVersion() {
		return 17;
	}

	@Override
	public int getDatabaseMinorVersion() {
		return 6;
	}

	@Override
	public String getDriverName() {
		return "replica-router benchmark stub";
	}

	@Override
	public String getDriverVersion() {
		return "1.0";
	}

	@Override
	public int getDriverMajorVersion() {
		return 1;
	}

	@Override
	public int getJDBCMajorVersion() {
		return 4;
	}

	@Override
	public int getJDBCMinorVersion() {
		return 2;
	}

	@Override
	public String getIdentifierQuoteString() {
		return "\"";
	}

	@Override
	public String getSQLKeywords() {
		return "";
	}

	@Override
	public String getSearchStringEscape() {
		return "\\";
	}

	@Override
	public String getExtraNameCharacters() {
		return "";
	}

	@Override
	public String getSchemaTerm() {
		return "schema";
	}

	@Override
	public String getCatalogTerm() {
		return "database";
	}

	@Override
	public String getCatalogSeparator() {
		return ".";
	}

	@Override
	public boolean supportsTransactions() {
		return true;
	}

	@Override
	public int getDefaultTransactionIsolation() {
		return Connection.TRANSACTION_READ_COMMITTED;
	}

	@Override
	public boolean storesLowerCaseIdentifiers() {
		return true;
	}

	@Override
	public ResultSet getSchemas() {
		return StubResultSet.empty();
	}

}
