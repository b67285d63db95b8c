package io.replicarouter.benchmarks.stub;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * What a {@link StubConnection} says about its database: PostgreSQL 17, its URL and user,
 * and an empty schema. Read at startup only (by Spring Boot and ShardingSphere), so a
 * {@link java.lang.reflect.Proxy}.
 */
final class StubDatabaseMetaData {

	private StubDatabaseMetaData() {
	}

	static DatabaseMetaData of(StubConnection connection) {
		return Unsupported.proxy(DatabaseMetaData.class, "StubDatabaseMetaData[" + connection.host() + "]",
				(method) -> switch (method.getName()) {
					case "getConnection" -> connection;
					case "getURL" -> connection.url();
					case "getUserName" -> "bench";
					case "getDatabaseProductName" -> "PostgreSQL";
					case "getDatabaseProductVersion" -> "17.6";
					case "getDatabaseMajorVersion" -> 17;
					case "getDatabaseMinorVersion" -> 6;
					case "getDriverName" -> "replica-router benchmark stub";
					case "getDriverVersion" -> "1.0";
					case "getDriverMajorVersion" -> 1;
					case "getDriverMinorVersion" -> 0;
					case "getJDBCMajorVersion" -> 4;
					case "getJDBCMinorVersion" -> 2;
					case "getIdentifierQuoteString" -> "\"";
					case "getSQLKeywords", "getExtraNameCharacters" -> "";
					case "getSearchStringEscape" -> "\\";
					case "getSchemaTerm" -> "schema";
					case "getCatalogTerm" -> "database";
					case "getCatalogSeparator" -> ".";
					case "supportsTransactions", "storesLowerCaseIdentifiers" -> true;
					case "getDefaultTransactionIsolation" -> Connection.TRANSACTION_READ_COMMITTED;
					default -> emptySchema(method);
				});
	}

	/**
	 * Tables, columns, schemas and the like: none.
	 */
	private static Object emptySchema(Method method) throws SQLException {
		if (method.getReturnType() == ResultSet.class) {
			return StubResultSet.empty();
		}
		throw Unsupported.method(method.getName());
	}

}
