package io.replicarouter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link ThreadLocalAccessorsRuntimeHints}.
 */
class ThreadLocalAccessorsRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	@Test
	void registersTheServicesFileAndTheConstructorOfEachAccessor() {
		new ThreadLocalAccessorsRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.resource().forResource(ThreadLocalAccessorsRuntimeHints.SERVICES_FILE))
			.accepts(this.hints);
		for (String accessor : ThreadLocalAccessorsRuntimeHints.ACCESSORS) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(TypeReference.of(accessor))
				.withMemberCategory(MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS)).accepts(this.hints);
		}
	}

	@Test
	void coversEveryAccessorTheServicesFileLists() throws IOException {
		String file = new ClassPathResource(ThreadLocalAccessorsRuntimeHints.SERVICES_FILE)
			.getContentAsString(StandardCharsets.UTF_8);
		assertThat(file.lines().map(String::strip).filter((line) -> !line.isEmpty() && !line.startsWith("#")))
			.containsExactlyInAnyOrderElementsOf(Arrays.asList(ThreadLocalAccessorsRuntimeHints.ACCESSORS));
	}

	@Test
	void registersNothingWithoutContextPropagation() {
		ClassLoader withoutIt = new ClassLoader(null) {
		};
		new ThreadLocalAccessorsRuntimeHints().registerHints(this.hints, withoutIt);
		assertThat(this.hints.resources().resourcePatternHints()).isEmpty();
		assertThat(this.hints.reflection().typeHints()).isEmpty();
	}

}
