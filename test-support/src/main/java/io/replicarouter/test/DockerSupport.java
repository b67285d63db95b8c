package io.replicarouter.test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether the Testcontainers backend can run here, and creates its clusters, without loading any
 * Testcontainers class when Testcontainers is not on the class path (it is an optional dependency).
 */
final class DockerSupport {

	private static final Logger logger = LoggerFactory.getLogger(DockerSupport.class);

	private static final String DOCKER_CLIENT_FACTORY = "org.testcontainers.DockerClientFactory";

	private static volatile @Nullable Boolean available;

	private DockerSupport() {
	}

	/**
	 * Tells whether Testcontainers is on the class path and finds a Docker engine. When nothing points at a
	 * Docker engine (no {@code DOCKER_HOST}, no {@code docker.host} system property, no
	 * {@code ~/.testcontainers.properties}, none of the usual Docker sockets), answers {@code false} at once
	 * instead of letting Testcontainers try every strategy. The answer is computed once per JVM.
	 * @return {@code true} if containers can be started
	 */
	static boolean isDockerAvailable() {
		Boolean answer = available;
		if (answer == null) {
			answer = checkDockerAvailable();
			available = answer;
		}
		return answer;
	}

	private static boolean checkDockerAvailable() {
		if (!isTestcontainersPresent()) {
			logger.debug("Testcontainers is not on the class path");
			return false;
		}
		if (!anyDockerHint()) {
			logger.debug("No Docker engine configured and no Docker socket found");
			return false;
		}
		try {
			return Testcontainers.isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			logger.debug("Testcontainers could not check for Docker", ex);
			return false;
		}
	}

	/**
	 * Tells whether Testcontainers' core is on the class path.
	 * @return {@code true} if it is
	 */
	static boolean isTestcontainersPresent() {
		try {
			Class.forName(DOCKER_CLIENT_FACTORY, false, DockerSupport.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	/**
	 * Tells whether anything points at a Docker engine: an environment variable, a system property, a
	 * Testcontainers configuration file, or one of the usual Unix sockets.
	 * @return {@code true} if Testcontainers is worth asking
	 */
	static boolean anyDockerHint() {
		if (notBlank(System.getenv("DOCKER_HOST")) || notBlank(System.getProperty("docker.host"))
				|| notBlank(System.getenv("TESTCONTAINERS_HOST_OVERRIDE"))) {
			return true;
		}
		return candidateFiles().stream().anyMatch(Files::exists);
	}

	/**
	 * Returns the files whose existence suggests a Docker engine.
	 * @return the Testcontainers configuration file and the usual Docker sockets
	 */
	static List<Path> candidateFiles() {
		List<Path> files = new ArrayList<>();
		String home = System.getProperty("user.home");
		files.add(Path.of("/var/run/docker.sock"));
		files.add(Path.of("/run/docker.sock"));
		String runtimeDirectory = System.getenv("XDG_RUNTIME_DIR");
		if (notBlank(runtimeDirectory)) {
			files.add(Path.of(runtimeDirectory, "docker.sock"));
			files.add(Path.of(runtimeDirectory, "podman", "podman.sock"));
		}
		if (notBlank(home)) {
			files.add(Path.of(home, ".testcontainers.properties"));
			files.add(Path.of(home, ".docker", "run", "docker.sock"));
			files.add(Path.of(home, ".docker", "desktop", "docker.sock"));
			files.add(Path.of(home, ".colima", "default", "docker.sock"));
			files.add(Path.of(home, ".colima", "docker.sock"));
			files.add(Path.of(home, ".rd", "docker.sock"));
		}
		return files;
	}

	private static boolean notBlank(@Nullable String value) {
		return value != null && !value.isBlank();
	}

	/**
	 * Creates a cluster of the Testcontainers backend.
	 */
	static ReplicationCluster containerCluster(int replicas, String username, String password, String database,
			@Nullable Duration startupTimeout, @Nullable String image) {
		if (!isTestcontainersPresent()) {
			throw new IllegalStateException("The Testcontainers backend needs org.testcontainers:testcontainers "
					+ "on the class path (replica-router-test declares it as an optional dependency)");
		}
		return Testcontainers.cluster(replicas, username, password, database, startupTimeout, image);
	}

	/** Touches Testcontainers classes: loaded only once Testcontainers is known to be present. */
	private static final class Testcontainers {

		static boolean isDockerAvailable() {
			return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
		}

		static ReplicationCluster cluster(int replicas, String username, String password, String database,
				@Nullable Duration startupTimeout, @Nullable String image) {
			ContainerReplicationCluster.Builder builder = ContainerReplicationCluster.builder()
				.replicas(replicas)
				.username(username)
				.password(password)
				.database(database);
			if (startupTimeout != null) {
				builder.startupTimeout(startupTimeout);
			}
			if (image != null) {
				builder.image(image);
			}
			return builder.build();
		}

	}

}
