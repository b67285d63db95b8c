package io.replicarouter;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's {@code META-INF/spring/aot.factories} lists every runtime hints registrar,
 * and each can be instantiated the way AOT processing does.
 */
class AotFactoriesTests {

	@Test
	void listsEveryRuntimeHintsRegistrar() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).extracting((registrar) -> registrar.getClass().getName())
			.contains("io.replicarouter.ThreadLocalAccessorsRuntimeHints",
					"io.replicarouter.cache.BoundedRedisConnectionRuntimeHints",
					"io.replicarouter.jdbc.NodePoolFactoryRuntimeHints",
					"io.replicarouter.replica.NodeProbeRuntimeHints");
	}

}
