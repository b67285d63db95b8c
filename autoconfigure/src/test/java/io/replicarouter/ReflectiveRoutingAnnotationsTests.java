package io.replicarouter;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplicaRead} and {@link PrimaryRead} are {@code @Reflective}: AOT processing
 * registers what they annotate, so that the router's pointcuts find them in a native image.
 */
class ReflectiveRoutingAnnotationsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void registersAnnotatedMethods() {
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(this.hints, Reports.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Reports.class, "monthly"))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Reports.class, "payment"))
			.accepts(this.hints);
	}

	@Test
	void registersAnnotatedClasses() {
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(this.hints, Analytics.class, Payments.class);
		assertThat(RuntimeHintsPredicates.reflection().onType(Analytics.class)).accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Payments.class)).accepts(this.hints);
	}

	static class Reports {

		@ReplicaRead(group = "analytics", maxLag = "30s")
		public String monthly() {
			return "report";
		}

		@PrimaryRead
		public String payment() {
			return "payment";
		}

	}

	@ReplicaRead(group = "analytics")
	static class Analytics {

	}

	@PrimaryRead
	static class Payments {

	}

}
