package io.replicarouter.replica;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Hints for {@link NodeProbe}, which connects through the pool's JDBC driver class, loaded
 * by its name and instantiated reflectively. The starter is for PostgreSQL, so its driver
 * is registered; another driver class named in {@code spring.datasource.driver-class-name}
 * needs a hint of the application's (or the driver's own metadata).
 */
class NodeProbeRuntimeHints implements RuntimeHintsRegistrar {

	static final String POSTGRESQL_DRIVER = "org.postgresql.Driver";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection()
			.registerTypeIfPresent(classLoader, POSTGRESQL_DRIVER,
					(type) -> type.withMembers(MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS));
	}

}
