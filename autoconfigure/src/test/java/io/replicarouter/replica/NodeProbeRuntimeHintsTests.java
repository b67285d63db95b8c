package io.replicarouter.replica;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link NodeProbeRuntimeHints}.
 */
class NodeProbeRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void registersThePostgreSqlDriversConstructor() {
		new NodeProbeRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(org.postgresql.Driver.class)
			.withMemberCategory(MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS)).accepts(this.hints);
	}

	@Test
	void registersNothingWithoutTheDriver() {
		new NodeProbeRuntimeHints().registerHints(this.hints, new ClassLoader(null) {
		});
		assertThat(this.hints.reflection().typeHints()).isEmpty();
	}

}
