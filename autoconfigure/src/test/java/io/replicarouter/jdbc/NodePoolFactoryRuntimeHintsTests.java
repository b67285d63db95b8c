package io.replicarouter.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link NodePoolFactoryRuntimeHints}.
 */
class NodePoolFactoryRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void registersTheHikariPropertiesTheBinderSetsAndReads() {
		new NodePoolFactoryRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection().onType(HikariDataSource.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(HikariConfig.class)).accepts(this.hints);
		for (String method : new String[] { "setMaximumPoolSize", "getMaximumPoolSize", "setConnectionTimeout",
				"setDataSourceProperties", "getDataSourceProperties", "setPoolName", "setJdbcUrl" }) {
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(HikariConfig.class, method))
				.as(method)
				.accepts(this.hints);
		}
	}

}
