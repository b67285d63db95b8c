package io.replicarouter.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the clusters' temporary directories and removes those that a dead JVM left behind.
 *
 * <p>The default base directory is {@code /dev/shm} (memory) when it has at least 2 GiB of space, because
 * creating the thousand files of a data directory is several times faster there than on many disks; otherwise
 * {@code java.io.tmpdir}. The system property {@value #BASE_DIRECTORY_PROPERTY} overrides it.
 *
 * <p>Each cluster directory holds a file naming the JVM that owns it. A JVM killed without running its shutdown
 * hooks ({@code kill -9}, a fork killed on timeout) leaves its servers and files behind; the first cluster
 * started in a base directory by a later JVM stops those servers and deletes their directories.
 */
final class ClusterDirectories {

	/** The system property that sets the directory in which cluster directories are created. */
	static final String BASE_DIRECTORY_PROPERTY = "replicarouter.test.directory";

	/** The prefix of cluster directory names. */
	static final String PREFIX = "replica-router-cluster-";

	private static final String OWNER_FILE = "owner";

	private static final long MINIMUM_MEMORY_SPACE = 2L * 1024 * 1024 * 1024;

	private static final Duration GRACE_PERIOD = Duration.ofMinutes(1);

	private static final Logger logger = LoggerFactory.getLogger(ClusterDirectories.class);

	private static final Set<Path> swept = ConcurrentHashMap.newKeySet();

	private ClusterDirectories() {
	}

	/**
	 * Returns the directory in which clusters create their directories when the builder names none.
	 * @return the base directory
	 */
	static Path defaultBaseDirectory() {
		String configured = System.getProperty(BASE_DIRECTORY_PROPERTY);
		if (configured != null && !configured.isBlank()) {
			return Path.of(configured);
		}
		Path memory = Path.of("/dev/shm");
		try {
			if (Files.isDirectory(memory) && Files.isWritable(memory)
					&& Files.getFileStore(memory).getUsableSpace() >= MINIMUM_MEMORY_SPACE) {
				return memory;
			}
		}
		catch (IOException | SecurityException ex) {
			logger.debug("Cannot use {}", memory, ex);
		}
		return Path.of(System.getProperty("java.io.tmpdir"));
	}

	/**
	 * Creates a new cluster directory (mode 0755, owned by this JVM's user) in the base directory, after removing
	 * abandoned ones there (once per JVM and base directory).
	 * @param base the base directory, created if needed
	 * @return the new directory
	 * @throws IOException if it cannot be created
	 */
	static Path create(Path base) throws IOException {
		Path parent = Files.createDirectories(base.toAbsolutePath());
		OperatingSystem.makeTraversable(parent);
		if (swept.add(parent.normalize())) {
			sweep(parent);
		}
		Path created = Files.createTempDirectory(parent, PREFIX);
		Files.setPosixFilePermissions(created, PosixFilePermissions.fromString("rwxr-xr-x"));
		ProcessHandle self = ProcessHandle.current();
		Files.writeString(created.resolve(OWNER_FILE), self.pid() + " " + startMillis(self), StandardCharsets.UTF_8);
		return created;
	}

	private static long startMillis(ProcessHandle process) {
		return process.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
	}

	/** Whether the JVM named in the owner file still runs (with the same start time, against pid reuse). */
	private static boolean ownerAlive(Path directory) throws IOException {
		String[] owner = Files.readString(directory.resolve(OWNER_FILE), StandardCharsets.UTF_8).trim().split(" ");
		long pid = Long.parseLong(owner[0]);
		long started = (owner.length > 1) ? Long.parseLong(owner[1]) : -1;
		return ProcessHandle.of(pid)
			.filter(ProcessHandle::isAlive)
			.filter((process) -> started < 0 || startMillis(process) < 0 || startMillis(process) == started)
			.isPresent();
	}

	static void sweep(Path base) {
		List<Path> candidates;
		try (Stream<Path> children = Files.list(base)) {
			candidates = children.filter((child) -> child.getFileName().toString().startsWith(PREFIX))
				.filter(Files::isDirectory)
				.toList();
		}
		catch (IOException ex) {
			logger.debug("Could not list {}", base, ex);
			return;
		}
		for (Path candidate : candidates) {
			try {
				if (isAbandoned(candidate)) {
					removeAbandoned(candidate);
				}
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Could not remove abandoned cluster directory {}", candidate, ex);
			}
		}
	}

	private static boolean isAbandoned(Path directory) throws IOException {
		if (Files.exists(directory.resolve(OWNER_FILE))) {
			try {
				return !ownerAlive(directory);
			}
			catch (NumberFormatException ex) {
				// fall through to the age check
			}
		}
		// No (readable) owner: being created right now, or left by something else. Leave recent ones alone.
		FileTime modified = Files.getLastModifiedTime(directory);
		return modified.toInstant().isBefore(Instant.now().minus(GRACE_PERIOD))
				&& Files.exists(directory.resolve("primary"));
	}

	private static void removeAbandoned(Path directory) throws IOException {
		List<Long> killed = new ArrayList<>();
		try (Stream<Path> children = Files.list(directory)) {
			for (Path dataDirectory : children.filter(Files::isDirectory).toList()) {
				Long pid = postmasterPid(dataDirectory);
				if (pid != null && OperatingSystem.isAlive(pid) && isPostgres(pid)) {
					ProcessHandle.of(pid).ifPresent((postmaster) -> {
						List<Long> all = new ArrayList<>();
						all.add(postmaster.pid());
						postmaster.descendants().forEach((child) -> all.add(child.pid()));
						OperatingSystem.signal("CONT", all);
						postmaster.destroyForcibly();
						killed.addAll(all);
					});
				}
			}
		}
		if (!OperatingSystem.awaitExit(killed, Duration.ofSeconds(15))) {
			OperatingSystem.signal("KILL", killed.stream().filter(OperatingSystem::isAlive).toList());
			OperatingSystem.awaitExit(killed, Duration.ofSeconds(5));
		}
		try (Stream<Path> children = Files.list(directory)) {
			children.filter(Files::isDirectory).forEach(OperatingSystem::releaseSharedMemory);
		}
		OperatingSystem.deleteTree(directory);
		logger.info("Removed {} left behind by a JVM that ended without closing it ({} server processes stopped)",
				directory, killed.size());
	}

	private static @Nullable Long postmasterPid(Path dataDirectory) {
		try {
			List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
			return lines.isEmpty() ? null : Long.valueOf(lines.get(0).trim());
		}
		catch (IOException | NumberFormatException ex) {
			return null;
		}
	}

	private static boolean isPostgres(long pid) {
		try {
			String command = Files.readString(Path.of("/proc", Long.toString(pid), "comm"), StandardCharsets.UTF_8);
			return command.trim().startsWith("postgres");
		}
		catch (IOException ex) {
			return false;
		}
	}

}
