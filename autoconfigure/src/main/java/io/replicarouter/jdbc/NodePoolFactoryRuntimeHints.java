package io.replicarouter.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;

/**
 * Hints for {@link NodePoolFactory}, which binds {@code spring.datasource.hikari.*} and each
 * replica's {@code hikari} overrides onto {@link HikariDataSource} and {@link HikariConfig}
 * instances with Boot's {@code Binder} at run time: their JavaBean setters and getters are
 * called reflectively. Boot registers nothing for them when its own Hikari
 * {@code DataSource} bean backs off, as it does when the starter builds the pools (its
 * {@code DataSourceBuilder} hints cover only the constructor).
 */
class NodePoolFactoryRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindableRuntimeHintsRegistrar.forTypes(HikariConfig.class, HikariDataSource.class).registerHints(hints);
	}

}
