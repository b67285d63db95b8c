package io.replicarouter.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's "Works with" table and this module in step: every conformance test
 * the table names exists, every conformance test is in the table, and each has its
 * {@code replica-router.enabled=false} control.
 */
class WorksWithTableTests {

	private static final Path MODULE_SOURCES = Path.of("src/test/java/io/replicarouter/conformance");

	@Test
	void theTableNamesEveryConformanceTestAndNothingElse() throws IOException {
		assertThat(testsInTheTable()).isEqualTo(conformanceTests());
	}

	@Test
	void everyConformanceTestHasItsControl() throws IOException {
		for (String test : conformanceTests()) {
			String control = test.substring(0, test.length() - "IT".length()) + "ControlIT";
			assertThat(classNames()).as("the control run of %s", test).contains(control);
		}
	}

	private static Set<String> testsInTheTable() throws IOException {
		String readme = Files.readString(Path.of("../README.md"));
		int start = readme.indexOf("## Works with");
		assertThat(start).as("README section 'Works with'").isNotNegative();
		int end = readme.indexOf("\n## ", start + 1);
		String section = readme.substring(start, (end > 0) ? end : readme.length());
		Set<String> tests = new TreeSet<>();
		for (String line : section.lines().filter((line) -> line.startsWith("| ")).toList()) {
			String[] cells = line.split("\\|");
			Matcher matcher = Pattern.compile("`(\\w+IT)`").matcher(cells[cells.length - 1]);
			while (matcher.find()) {
				tests.add(matcher.group(1));
			}
		}
		return tests;
	}

	private static Set<String> conformanceTests() throws IOException {
		Set<String> tests = new TreeSet<>(classNames());
		tests.removeIf((name) -> !name.endsWith("IT") || name.endsWith("ControlIT"));
		return tests;
	}

	private static Set<String> classNames() throws IOException {
		try (Stream<Path> files = Files.walk(MODULE_SOURCES)) {
			Set<String> names = new TreeSet<>();
			files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".java"))
				.forEach((name) -> names.add(name.substring(0, name.length() - ".java".length())));
			return names;
		}
	}

}
