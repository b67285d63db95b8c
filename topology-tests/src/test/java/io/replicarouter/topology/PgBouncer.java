package io.replicarouter.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One PgBouncer in front of one PostgreSQL node, configured from
 * {@code deploy/examples/pgbouncer.ini} with only the per-node lines replaced, running as an
 * unprivileged user when this JVM is root.
 */
final class PgBouncer implements AutoCloseable {

	private static final Pattern SETTING = Pattern.compile("^\\s*([A-Za-z_]+)\\s*=.*$");

	private final String name;

	private final Path directory;

	private final int port;

	private ManagedProcess process;

	private PgBouncer(String name, Path directory, int port) {
		this.name = name;
		this.directory = directory;
		this.port = port;
	}

	/**
	 * Write the configuration and start PgBouncer.
	 * @param name a name for logs, such as {@code pgbouncer-primary}
	 * @param example the example configuration
	 * @param directory an empty directory for its files
	 * @param database the database name clients use, and the node's database
	 * @param serverPort the node's port on 127.0.0.1
	 * @param users user name to password, for its auth file
	 * @param overrides further settings of the [pgbouncer] section
	 * @return the running PgBouncer
	 */
	static PgBouncer start(String name, Path example, Path directory, String database, int serverPort,
			Map<String, String> users, Map<String, String> overrides) {
		int port = Executables.freePort();
		try {
			Files.createDirectories(directory);
			Map<String, String> settings = new LinkedHashMap<>();
			settings.put("listen_addr", "127.0.0.1");
			settings.put("listen_port", String.valueOf(port));
			settings.put("unix_socket_dir", "");
			settings.put("auth_file", directory.resolve("userlist.txt").toString());
			settings.put("logfile", "");
			settings.put("pidfile", "");
			settings.putAll(overrides);
			String databaseLine = database + " = host=127.0.0.1 port=" + serverPort + " dbname=" + database;
			Files.writeString(directory.resolve("pgbouncer.ini"), configure(example, databaseLine, settings),
					StandardCharsets.UTF_8);
			StringBuilder userlist = new StringBuilder();
			users.forEach((user, password) -> userlist.append('"')
				.append(user)
				.append("\" \"")
				.append(password.replace("\"", "\"\""))
				.append("\"\n"));
			Files.writeString(directory.resolve("userlist.txt"), userlist, StandardCharsets.UTF_8);
			Executables.giveToServerUser(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not configure " + name, ex);
		}
		PgBouncer bouncer = new PgBouncer(name, directory, port);
		bouncer.start();
		return bouncer;
	}

	/**
	 * The example with its per-node lines replaced: the one entry of [databases] and the
	 * [pgbouncer] settings given. Every other line, pool_mode included, is the example's.
	 */
	static String configure(Path example, String databaseLine, Map<String, String> settings) throws IOException {
		List<String> out = new ArrayList<>();
		Map<String, String> remaining = new LinkedHashMap<>(settings);
		String section = "";
		for (String line : Files.readAllLines(example, StandardCharsets.UTF_8)) {
			String trimmed = line.trim();
			if (trimmed.startsWith("[")) {
				if (section.equals("[pgbouncer]")) {
					remaining.forEach((key, value) -> out.add(key + " = " + value));
					remaining.clear();
				}
				section = trimmed;
				out.add(line);
				continue;
			}
			Matcher setting = SETTING.matcher(line);
			if (trimmed.startsWith(";") || !setting.matches()) {
				out.add(line);
			}
			else if (section.equals("[databases]")) {
				out.add(databaseLine);
			}
			else if (remaining.containsKey(setting.group(1))) {
				out.add(setting.group(1) + " = " + remaining.remove(setting.group(1)));
			}
			else {
				out.add(line);
			}
		}
		remaining.forEach((key, value) -> out.add(key + " = " + value));
		return String.join("\n", out) + "\n";
	}

	synchronized void start() {
		Path program = Executables.require("pgbouncer");
		this.process = ManagedProcess.start(this.name,
				Executables.unprivileged(List.of(program.toString(), this.directory.resolve("pgbouncer.ini").toString())),
				Map.of(), this.directory.resolveSibling(this.name + ".log"));
		this.process.awaitPort(this.port, Duration.ofSeconds(20));
	}

	/** Stop it (SIGTERM: immediate shutdown, every client connection dropped). */
	synchronized void stop() {
		if (this.process != null) {
			this.process.stop();
		}
	}

	/**
	 * Stop it, stay away for a while, start it again on the same port.
	 * @param downtime how long it stays away
	 */
	synchronized void restart(Duration downtime) {
		stop();
		ManagedProcess.sleep(downtime.toMillis());
		start();
	}

	String name() {
		return this.name;
	}

	int port() {
		return this.port;
	}

	String jdbcUrl(String database) {
		return "jdbc:postgresql://127.0.0.1:" + this.port + "/" + database;
	}

	Path log() {
		return this.directory.resolveSibling(this.name + ".log");
	}

	@Override
	public void close() {
		stop();
	}

}
