package io.replicarouter.autoconfigure;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * Where the primary comes from: the pool the starter builds from
 * {@code spring.datasource.*}, or the application's own {@code DataSource} bean.
 *
 * @param url the primary's JDBC URL, {@code null} when it is not set or cannot be read
 * @param applicationBean the name of the application's DataSource bean, {@code null} when
 * the starter builds the primary's pool
 */
record PrimarySource(@Nullable String url, @Nullable String applicationBean) {

	static final String BEAN = "replicaRouterPrimarySource";

	/**
	 * The primary the starter builds from Boot's connection details.
	 * @param details {@code spring.datasource.*} or a service connection
	 */
	static PrimarySource ofConnectionDetails(JdbcConnectionDetails details) {
		String url;
		try {
			url = details.getJdbcUrl();
		}
		catch (InvalidReplicaRouterConfigurationException ex) {
			url = null;
		}
		return new PrimarySource(url, null);
	}

	/**
	 * The application's own DataSource bean. Its URL is read without opening a connection,
	 * from the Hikari pool it is or wraps; other pools' URLs are not known.
	 * @param name the bean's name
	 * @param dataSource the bean
	 */
	static PrimarySource ofApplicationBean(String name, DataSource dataSource) {
		HikariDataSource hikari = hikari(dataSource);
		return new PrimarySource((hikari != null) ? hikari.getJdbcUrl() : null, name);
	}

	/**
	 * The Hikari pool a DataSource is or wraps, if any.
	 */
	static @Nullable HikariDataSource hikari(DataSource dataSource) {
		return DataSourceUnwrapper.unwrap(dataSource, HikariDataSource.class);
	}

	/**
	 * The name to report a problem of the primary's URL under.
	 */
	String property() {
		return (this.applicationBean != null) ? "DataSource bean '" + this.applicationBean + "'"
				: "spring.datasource.url";
	}

	/**
	 * The prefix of the primary's settings, for messages: {@code spring.datasource}, or the
	 * application's bean.
	 */
	String settings() {
		return (this.applicationBean != null) ? "the application's DataSource bean '" + this.applicationBean + "'"
				: "spring.datasource";
	}

}
