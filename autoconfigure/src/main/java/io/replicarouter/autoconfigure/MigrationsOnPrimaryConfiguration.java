package io.replicarouter.autoconfigure;

import java.sql.SQLException;

import javax.sql.DataSource;

import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.boot.jdbc.autoconfigure.ApplicationDataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.ApplicationScriptDatabaseInitializer;
import org.springframework.boot.sql.autoconfigure.init.ConditionalOnSqlInitialization;
import org.springframework.boot.sql.autoconfigure.init.SqlInitializationProperties;
import org.springframework.boot.sql.init.dependency.DatabaseInitializationDependencyConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.jdbc.datasource.init.DatabasePopulator;
import org.springframework.util.StringUtils;

/**
 * Makes Flyway, Liquibase and Boot's SQL script initialization ({@code spring.sql.init.*})
 * work through the primary's pool directly, whatever
 * {@code replica-router.non-transactional-reads} says: they run outside Spring
 * transactions and must never be routed.
 */
@Configuration(proxyBeanMethods = false)
@Import({ MigrationsOnPrimaryConfiguration.FlywayOnPrimary.class,
		MigrationsOnPrimaryConfiguration.LiquibaseOnPrimary.class,
		MigrationsOnPrimaryConfiguration.SqlScriptsOnPrimary.class })
class MigrationsOnPrimaryConfiguration {

	/**
	 * Return the routing data source behind the given one, also when a wrapper (Boot's
	 * lazy connection fetching, a tracing or logging proxy) stands in front of it.
	 */
	private static @Nullable ReplicaRoutingDataSource router(@Nullable DataSource dataSource) {
		if (dataSource == null) {
			return null;
		}
		if (dataSource instanceof ReplicaRoutingDataSource router) {
			return router;
		}
		try {
			return dataSource.isWrapperFor(ReplicaRoutingDataSource.class)
					? dataSource.unwrap(ReplicaRoutingDataSource.class) : null;
		}
		catch (SQLException ex) {
			return null;
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Flyway.class, FlywayConfigurationCustomizer.class })
	static class FlywayOnPrimary {

		@Bean
		@ConditionalOnMissingBean(name = "replicaRouterFlywayConfigurationCustomizer")
		FlywayConfigurationCustomizer replicaRouterFlywayConfigurationCustomizer() {
			return (configuration) -> {
				ReplicaRoutingDataSource router = router(configuration.getDataSource());
				if (router != null) {
					configuration.dataSource(router.getPrimary().dataSource());
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SpringLiquibase.class)
	static class LiquibaseOnPrimary {

		@Bean
		@ConditionalOnMissingBean(name = "replicaRouterLiquibasePostProcessor")
		static BeanPostProcessor replicaRouterLiquibasePostProcessor() {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessBeforeInitialization(Object bean, String beanName) throws BeansException {
					if (bean instanceof SpringLiquibase liquibase) {
						ReplicaRoutingDataSource router = router(liquibase.getDataSource());
						if (router != null) {
							liquibase.setDataSource(router.getPrimary().dataSource());
						}
					}
					return bean;
				}

			};
		}

	}

	/**
	 * Boot's own script initializer, built on the primary's pool instead of the routing data
	 * source, so that Boot's (which would run the scripts through the router) backs off.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ DatabasePopulator.class, ApplicationScriptDatabaseInitializer.class })
	@ConditionalOnSqlInitialization
	@EnableConfigurationProperties(SqlInitializationProperties.class)
	@Import(DatabaseInitializationDependencyConfigurer.class)
	static class SqlScriptsOnPrimary {

		@Bean
		@ConditionalOnMissingBean(ApplicationScriptDatabaseInitializer.class)
		ApplicationDataSourceScriptDatabaseInitializer dataSourceScriptDatabaseInitializer(
				DatabaseNodes nodes, SqlInitializationProperties properties) {
			DataSource primary = nodes.primary().dataSource();
			if (StringUtils.hasText(properties.getUsername()) && StringUtils.hasText(properties.getPassword())) {
				// as Boot does: the scripts' own credentials, on the primary's URL
				primary = DataSourceBuilder.derivedFrom(primary)
					.username(properties.getUsername())
					.password(properties.getPassword())
					.type(SimpleDriverDataSource.class)
					.build();
			}
			return new ApplicationDataSourceScriptDatabaseInitializer(primary, properties);
		}

	}

}
