package io.replicarouter.test;

import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skips a test class of the Testcontainers backend when no Docker engine is available.
 */
final class DockerAvailable {

	/** The reason printed when the tests are skipped. */
	static final String SKIP_MESSAGE = "Docker is not available: Testcontainers backend not tested here";

	private static final Logger logger = LoggerFactory.getLogger(DockerAvailable.class);

	private static volatile boolean warned;

	private DockerAvailable() {
	}

	/**
	 * Aborts the calling test (JUnit: skipped) when no Docker engine is available. Answers at once when nothing
	 * points at one (see {@link DockerSupport#isDockerAvailable()}), instead of letting Testcontainers probe.
	 */
	static void assumeDocker() {
		boolean available = DockerSupport.isDockerAvailable();
		if (!available && !warned) {
			warned = true;
			// Surefire and Failsafe print only the number of skipped tests: say why once.
			logger.warn(SKIP_MESSAGE + " (no DOCKER_HOST, no Docker socket, or Testcontainers found no engine)");
		}
		Assumptions.assumeTrue(available, SKIP_MESSAGE);
	}

}
