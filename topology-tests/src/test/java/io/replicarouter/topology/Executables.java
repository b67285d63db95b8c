package io.replicarouter.topology;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finding the programs the topology needs, and running them as an unprivileged user when
 * this JVM runs as root (PgBouncer, like PostgreSQL, refuses to run as root).
 */
final class Executables {

	/** The user and group the servers run as when this JVM is root ({@code nobody}), as in replica-router-test. */
	static final int SERVER_ID = 65534;

	private static final List<String> SEARCH_PATH = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin",
			"/usr/local/sbin", "/usr/local/bin");

	private Executables() {
	}

	/**
	 * Find a program on the {@code PATH} or in the usual system directories ({@code nginx}
	 * and {@code pgbouncer} live in {@code /usr/sbin}, which a non-root PATH may lack).
	 * @param name the program's name
	 * @return its path, if installed
	 */
	static Optional<Path> find(String name) {
		List<String> directories = new ArrayList<>();
		String path = System.getenv("PATH");
		if (path != null) {
			directories.addAll(List.of(path.split(File.pathSeparator)));
		}
		directories.addAll(SEARCH_PATH);
		for (String directory : directories) {
			if (directory.isEmpty()) {
				continue;
			}
			Path candidate = Path.of(directory, name);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return Optional.of(candidate);
			}
		}
		return Optional.empty();
	}

	static Path require(String name) {
		return find(name).orElseThrow(() -> new IllegalStateException(
				"'" + name + "' is not installed; on Debian: apt-get install " + name));
	}

	static boolean isRoot() {
		try {
			return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
		}
		catch (IOException | RuntimeException ex) {
			return "root".equals(System.getProperty("user.name"));
		}
	}

	/**
	 * Wrap a command so that it runs as {@link #SERVER_ID} when this JVM is root.
	 * @param command the program and its arguments
	 * @return the command to start
	 */
	static List<String> unprivileged(List<String> command) {
		if (!isRoot()) {
			return command;
		}
		List<String> wrapped = new ArrayList<>(List.of(require("setpriv").toString(), "--reuid=" + SERVER_ID,
				"--regid=" + SERVER_ID, "--clear-groups", "--"));
		wrapped.addAll(command);
		return wrapped;
	}

	/**
	 * Hand a directory tree to the unprivileged user when root, so that a server running as
	 * that user can read its configuration and write its files.
	 * @param directory the tree
	 */
	static void giveToServerUser(Path directory) {
		if (!isRoot()) {
			return;
		}
		try (Stream<Path> tree = Files.walk(directory)) {
			for (Path each : (Iterable<Path>) tree::iterator) {
				Files.setAttribute(each, "unix:uid", SERVER_ID, LinkOption.NOFOLLOW_LINKS);
				Files.setAttribute(each, "unix:gid", SERVER_ID, LinkOption.NOFOLLOW_LINKS);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
