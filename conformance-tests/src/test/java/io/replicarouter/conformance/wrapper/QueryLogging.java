package io.replicarouter.conformance.wrapper;

import javax.sql.DataSource;

import net.ttddyy.dsproxy.support.ProxyDataSource;
import net.ttddyy.dsproxy.support.ProxyDataSourceBuilder;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What a user adds to the notes application to log and count every statement with
 * net.ttddyy's datasource-proxy: a {@code BeanPostProcessor} that wraps the
 * {@code DataSource} bean. The starter must route through the wrapper.
 */
@Configuration(proxyBeanMethods = false)
public class QueryLogging {

	@Bean
	static BeanPostProcessor queryLoggingDataSource() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean instanceof DataSource dataSource && !(bean instanceof ProxyDataSource)) {
					return ProxyDataSourceBuilder.create(dataSource).name(beanName).logQueryBySlf4j().countQuery().build();
				}
				return bean;
			}

		};
	}

}
