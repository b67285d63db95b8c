package io.replicarouter.autoconfigure;

import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.util.StringUtils;

/**
 * {@link JdbcConnectionDetails} read from {@code spring.datasource.*}, used when no other
 * source (such as a Testcontainers service connection) provides them.
 */
final class DataSourcePropertiesConnectionDetails implements JdbcConnectionDetails {

	private final DataSourceProperties properties;

	DataSourcePropertiesConnectionDetails(DataSourceProperties properties) {
		this.properties = properties;
	}

	@Override
	public String getJdbcUrl() {
		if (!StringUtils.hasText(this.properties.getUrl())) {
			throw new InvalidReplicaRouterConfigurationException("spring.datasource.url", "it is not set",
					"Set it to the primary's JDBC URL, for example jdbc:postgresql://primary:5432/app; "
							+ "replica-router sends writes there and reads to replica-router.replicas[*].");
		}
		return this.properties.getUrl();
	}

	@Override
	public String getUsername() {
		return this.properties.determineUsername();
	}

	@Override
	public String getPassword() {
		return this.properties.determinePassword();
	}

	@Override
	public String getDriverClassName() {
		String driver = this.properties.getDriverClassName();
		return StringUtils.hasText(driver) ? driver : JdbcConnectionDetails.super.getDriverClassName();
	}

}
