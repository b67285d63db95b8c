package io.replicarouter.test;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Operating-system plumbing: who the servers run as, running commands, file ownership, process liveness and
 * signals. Linux only.
 *
 * <p>PostgreSQL refuses to run as root. When this JVM runs as root, every PostgreSQL program is run through
 * {@code setpriv --reuid=65534 --regid=65534 --clear-groups --} (user {@code nobody}), the files it must write are
 * handed to that user, and the directories it must reach are made traversable by others.
 */
final class OperatingSystem {

	/** The user and group id the servers run as when this JVM runs as root ({@code nobody}). */
	static final int SERVER_ID = 65534;

	private static final Logger logger = LoggerFactory.getLogger(OperatingSystem.class);

	private static final boolean ROOT = detectRoot();

	private static final List<String> SEARCH_PATH = List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin",
			"/usr/local/bin");

	private OperatingSystem() {
	}

	/**
	 * Tells whether this JVM runs as root (uid 0), in which case the servers run as {@link #SERVER_ID}.
	 * @return {@code true} when running as root
	 */
	static boolean isRoot() {
		return ROOT;
	}

	private static boolean detectRoot() {
		// /proc/self belongs to the effective user of this process.
		try {
			Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
			if (uid instanceof Integer value) {
				return value == 0;
			}
		}
		catch (IOException | RuntimeException ex) {
			// fall through
		}
		try {
			Class<?> unixSystem = Class.forName("com.sun.security.auth.module.UnixSystem");
			Method getUid = unixSystem.getMethod("getUid");
			Object uid = getUid.invoke(unixSystem.getConstructor().newInstance());
			if (uid instanceof Long value) {
				return value == 0L;
			}
		}
		catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
			// fall through
		}
		return "root".equals(System.getProperty("user.name"));
	}

	/**
	 * Wraps a command so that it runs as the server user: unchanged when not root, prefixed by {@code setpriv}
	 * when root.
	 * @param command the program and its arguments
	 * @return the command to execute
	 */
	static List<String> asServerUser(List<String> command) {
		if (!ROOT) {
			return command;
		}
		List<String> wrapped = new ArrayList<>();
		wrapped.add(findProgram("setpriv", "running PostgreSQL as root is impossible and dropping privileges "
				+ "needs setpriv (package util-linux)"));
		wrapped.add("--reuid=" + SERVER_ID);
		wrapped.add("--regid=" + SERVER_ID);
		wrapped.add("--clear-groups");
		wrapped.add("--");
		wrapped.addAll(command);
		return wrapped;
	}

	private static String findProgram(String name, String why) {
		String path = System.getenv("PATH");
		List<String> directories = new ArrayList<>();
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
				return candidate.toString();
			}
		}
		throw new PostgresClusterException("Program '" + name + "' not found: " + why);
	}

	/**
	 * Hands a file or a whole tree (not following symbolic links) to the server user. Does nothing when not root.
	 * @param path a file or directory
	 */
	static void giveToServerUser(Path path) {
		if (!ROOT) {
			return;
		}
		try (Stream<Path> tree = Files.walk(path)) {
			for (Path each : (Iterable<Path>) tree::iterator) {
				Files.setAttribute(each, "unix:uid", SERVER_ID, LinkOption.NOFOLLOW_LINKS);
				Files.setAttribute(each, "unix:gid", SERVER_ID, LinkOption.NOFOLLOW_LINKS);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not hand " + path + " to user " + SERVER_ID, ex);
		}
	}

	/**
	 * Makes sure the server user can traverse the directory and every parent up to {@code /}: adds execute
	 * permission for others where it is missing. Does nothing when not root (the servers then run as this user).
	 * @param directory an absolute directory
	 */
	static void makeTraversable(Path directory) {
		if (!ROOT) {
			return;
		}
		for (Path each = directory.toAbsolutePath(); each != null; each = each.getParent()) {
			try {
				Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(each);
				if (!permissions.contains(PosixFilePermission.OTHERS_EXECUTE)) {
					Set<PosixFilePermission> updated = EnumSet.copyOf(permissions);
					updated.add(PosixFilePermission.OTHERS_EXECUTE);
					Files.setPosixFilePermissions(each, updated);
					logger.info("Made {} traversable by others so that PostgreSQL (user {}) can reach its files", each,
							SERVER_ID);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException("Could not make " + each + " traversable", ex);
			}
		}
	}

	/**
	 * Tells whether a process exists and has not terminated. Unlike {@link ProcessHandle#isAlive()}, a zombie
	 * (terminated but not yet reaped by its parent) counts as dead.
	 * @param pid a process id
	 * @return {@code true} when the process runs (or is stopped by a signal)
	 */
	static boolean isAlive(long pid) {
		char state = state(pid);
		return state != 0 && state != 'Z' && state != 'X' && state != 'x';
	}

	/**
	 * Tells whether a process exists as a zombie: terminated, waiting for its parent to reap it.
	 * @param pid a process id
	 * @return {@code true} for a zombie
	 */
	static boolean isZombie(long pid) {
		return state(pid) == 'Z';
	}

	/**
	 * Tells whether a process is stopped by a signal ({@code SIGSTOP}), or no longer runs at all.
	 * @param pid a process id
	 * @return {@code true} when the process cannot run until it gets {@code SIGCONT}
	 */
	static boolean isStoppedOrGone(long pid) {
		char state = state(pid);
		return state == 'T' || !isAlive(pid);
	}

	/**
	 * Reads the state letter of a process from {@code /proc/<pid>/stat} ({@code R}, {@code S}, {@code D},
	 * {@code T} for stopped, {@code Z} for a zombie...).
	 * @param pid a process id
	 * @return the state letter, or 0 if the process does not exist
	 */
	static char state(long pid) {
		String stat;
		try {
			stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.ISO_8859_1);
		}
		catch (IOException ex) {
			return 0;
		}
		// Format: "pid (comm) S ..." where comm may contain spaces and parentheses.
		int end = stat.lastIndexOf(')');
		return (end >= 0 && end + 2 < stat.length()) ? stat.charAt(end + 2) : 0;
	}

	/**
	 * Waits until every process is {@linkplain #isStoppedOrGone(long) stopped or gone}. A signal is delivered
	 * asynchronously: {@code kill -STOP} returns before a process that is busy in the kernel has stopped.
	 * @param pids process ids
	 * @param timeout how long to wait
	 * @return {@code true} if they all stopped in time
	 */
	static boolean awaitStopped(Collection<Long> pids, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			if (pids.stream().allMatch(OperatingSystem::isStoppedOrGone)) {
				return true;
			}
			if (System.nanoTime() - deadline > 0) {
				return false;
			}
			sleep(Duration.ofMillis(1));
		}
	}

	/**
	 * Waits until none of the processes is {@linkplain #isAlive(long) alive}.
	 * @param pids process ids
	 * @param timeout how long to wait
	 * @return {@code true} if they all ended in time
	 */
	static boolean awaitExit(Collection<Long> pids, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			if (pids.stream().noneMatch(OperatingSystem::isAlive)) {
				return true;
			}
			if (System.nanoTime() - deadline > 0) {
				return false;
			}
			sleep(Duration.ofMillis(10));
		}
	}

	/**
	 * Sends a signal to processes with the {@code kill} program. Processes that no longer exist are ignored.
	 * @param signal a signal name without the {@code SIG} prefix, such as {@code STOP}
	 * @param pids process ids
	 */
	static void signal(String signal, Collection<Long> pids) {
		if (pids.isEmpty()) {
			return;
		}
		List<String> command = new ArrayList<>();
		command.add(findProgram("kill", "needed to send signals to PostgreSQL processes (package procps)"));
		command.add("-" + signal);
		pids.forEach((pid) -> command.add(Long.toString(pid)));
		CommandResult result = run(command, Map.of(), Duration.ofSeconds(10));
		if (result.exitCode() != 0) {
			logger.debug("kill -{} {} exited with {}: {}", signal, pids, result.exitCode(), result.output().strip());
		}
	}

	/**
	 * Removes the System V shared memory segment that a postmaster killed with {@code SIGKILL} left behind, as
	 * named in its lock file ({@code postmaster.pid}, line 7: key and id). A postmaster that exits by itself
	 * removes it; a restarted one reuses or removes it; but when the data directory is deleted after a crash,
	 * nothing else would. The segment is removed (with {@code ipcrm}) only if {@code /proc/sysvipc/shm} lists it
	 * with the same key and no process attached.
	 * @param dataDirectory the data directory of a server that is not running
	 */
	static void releaseSharedMemory(Path dataDirectory) {
		Path lockFile = dataDirectory.resolve("postmaster.pid");
		if (!Files.exists(lockFile)) {
			return;
		}
		try {
			List<String> lock = Files.readAllLines(lockFile, StandardCharsets.UTF_8);
			if (lock.size() < 7) {
				return;
			}
			String[] keyAndId = lock.get(6).trim().split("\\s+");
			if (keyAndId.length < 2) {
				return;
			}
			String key = keyAndId[0];
			String id = keyAndId[1];
			for (String line : Files.readAllLines(Path.of("/proc/sysvipc/shm"), StandardCharsets.UTF_8)) {
				// key shmid perms size cpid lpid nattch ...
				String[] fields = line.trim().split("\\s+");
				if (fields.length > 6 && fields[0].equals(key) && fields[1].equals(id) && fields[6].equals("0")) {
					List<String> command = List.of(findProgram("ipcrm", "needed to remove shared memory"), "-m", id);
					CommandResult result = run(command, Map.of(), Duration.ofSeconds(10));
					logger.debug("Removed shared memory segment {} of {} (exit code {})", id, dataDirectory,
							result.exitCode());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not release the shared memory of {}", dataDirectory, ex);
		}
	}

	/**
	 * Runs a command and waits for it. Standard input is {@code /dev/null}; standard output and error are
	 * collected through a temporary file (never a pipe, so that a daemon that inherits them cannot block this
	 * call). {@code PG*} environment variables of this JVM are removed so that they cannot redirect the programs,
	 * and the locale is {@code C}.
	 * @param command the program and its arguments (must not contain secrets: it may be logged)
	 * @param environment extra environment variables
	 * @param timeout how long the command may take before it is killed
	 * @return its exit code and output
	 */
	static CommandResult run(List<String> command, Map<String, String> environment, Duration timeout) {
		Path output = null;
		try {
			output = Files.createTempFile("replica-router-command-", ".out");
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(output.toFile())
				.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
			Map<String, String> env = builder.environment();
			env.keySet().removeIf((name) -> name.startsWith("PG"));
			env.put("LC_ALL", "C");
			env.put("LANG", "C");
			env.putAll(environment);
			logger.debug("Running {}", command);
			Process process = builder.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				process.waitFor(5, TimeUnit.SECONDS);
				throw new PostgresClusterException("Command timed out after " + timeout + ": " + command
						+ System.lineSeparator() + readQuietly(output));
			}
			return new CommandResult(process.exitValue(), readQuietly(output));
		}
		catch (IOException ex) {
			throw new PostgresClusterException("Could not run " + command, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PostgresClusterException("Interrupted while running " + command, ex);
		}
		finally {
			if (output != null) {
				try {
					Files.deleteIfExists(output);
				}
				catch (IOException ex) {
					logger.debug("Could not delete {}", output, ex);
				}
			}
		}
	}

	private static String readQuietly(Path file) {
		try {
			return Secrets.mask(Files.readString(file, StandardCharsets.UTF_8));
		}
		catch (IOException | UncheckedIOException ex) {
			return "";
		}
	}

	/**
	 * Sleeps, turning an interruption into an unchecked exception (with the interrupt flag restored).
	 * @param duration how long
	 */
	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new PostgresClusterException("Interrupted", ex);
		}
	}

	/**
	 * Deletes a file or directory tree, ignoring files that are already gone.
	 * @param path the root of the tree
	 * @throws IOException if something could not be deleted
	 */
	static void deleteTree(@Nullable Path path) throws IOException {
		if (path == null || !Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
			return;
		}
		List<Path> all;
		try (Stream<Path> tree = Files.walk(path)) {
			all = new ArrayList<>(tree.toList());
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
		IOException failure = null;
		for (int i = all.size() - 1; i >= 0; i--) {
			try {
				Files.deleteIfExists(all.get(i));
			}
			catch (IOException ex) {
				if (failure == null) {
					failure = ex;
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * The outcome of {@link #run(List, Map, Duration)}.
	 * @param exitCode the exit code
	 * @param output standard output and error, interleaved, with passwords masked
	 */
	record CommandResult(int exitCode, String output) {
	}

}
