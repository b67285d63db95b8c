package io.replicarouter.patroni;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finding the programs of the cluster, and running them as an unprivileged user when this
 * JVM runs as root (PostgreSQL refuses to run as root). Adapted from topology-tests.
 */
final class Executables {

	/** The user and group the servers run as when this JVM is root ({@code nobody}). */
	static final int SERVER_ID = 65534;

	private static final List<String> SEARCH_PATH = List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin",
			"/usr/local/sbin", "/usr/local/bin");

	private Executables() {
	}

	/**
	 * Find a program on the {@code PATH} or in the usual system directories.
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
		return find(name).orElseThrow(() -> new IllegalStateException("'" + name + "' is not installed"));
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
	 * {@code setpriv} execs the program, so the started process is the program itself.
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
	 * Create a directory private to the server user ({@code 0700}, owned by
	 * {@link #SERVER_ID} when this JVM is root), as PostgreSQL wants its data directory's
	 * parent and etcd its data directory.
	 * @param directory the directory, created if absent
	 */
	static void createPrivateDirectory(Path directory) {
		try {
			Files.createDirectories(directory);
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
			giveToServerUser(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Hand a directory tree to the unprivileged user when root.
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

	/**
	 * Run a short command to its end.
	 * @param command the program and its arguments
	 * @return its exit code and output (standard error included)
	 * @throws IOException if it cannot be started
	 */
	static Result run(List<String> command) throws IOException {
		Path output = Files.createTempFile("patroni-command-", ".out");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
				.start();
			if (!process.waitFor(30, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				return new Result(-1, "timed out after 30 s: " + Files.readString(output, StandardCharsets.UTF_8));
			}
			return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8).strip());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while running " + command, ex);
		}
		finally {
			Files.deleteIfExists(output);
		}
	}

	/**
	 * What a command printed and how it ended.
	 * @param exitCode its exit code, -1 when it timed out
	 * @param output standard output and error
	 */
	record Result(int exitCode, String output) {
	}

}
