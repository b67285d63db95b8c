package io.replicarouter.autoconfigure;

import io.replicarouter.routing.ReplicaRoutingDataSource;
import liquibase.integration.spring.SpringLiquibase;
import org.flywaydb.core.Flyway;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * Makes Flyway and Liquibase migrate through the primary's pool directly, whatever
 * {@code replica-router.non-transactional-reads} says: migrations run outside Spring
 * transactions and must never be routed.
 */
@Configuration(proxyBeanMethods = false)
@Import({ MigrationsOnPrimaryConfiguration.FlywayOnPrimary.class,
		MigrationsOnPrimaryConfiguration.LiquibaseOnPrimary.class })
class MigrationsOnPrimaryConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Flyway.class, FlywayConfigurationCustomizer.class })
	static class FlywayOnPrimary {

		@Bean
		@ConditionalOnMissingBean(name = "replicaRouterFlywayConfigurationCustomizer")
		FlywayConfigurationCustomizer replicaRouterFlywayConfigurationCustomizer() {
			return (configuration) -> {
				if (configuration.getDataSource() instanceof ReplicaRoutingDataSource router) {
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
					if (bean instanceof SpringLiquibase liquibase
							&& liquibase.getDataSource() instanceof ReplicaRoutingDataSource router) {
						liquibase.setDataSource(router.getPrimary().dataSource());
					}
					return bean;
				}

			};
		}

	}

}
