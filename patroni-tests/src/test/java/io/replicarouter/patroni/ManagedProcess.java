package io.replicarouter.patroni;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server process of the cluster (etcd or one Patroni), its output appended to a log
 * file, stopped with SIGTERM and then SIGKILL. Adapted from topology-tests; the cluster,
 * not this class, registers the shutdown hook.
 */
final class ManagedProcess {

	private final String name;

	private final Path log;

	private final Process process;

	private ManagedProcess(String name, Path log, Process process) {
		this.name = name;
		this.log = log;
		this.process = process;
	}

	/**
	 * Start a process.
	 * @param name a name for messages
	 * @param command the program and its arguments
	 * @param environment variables added to this JVM's environment
	 * @param directory its working directory
	 * @param log the file its standard output and error are appended to
	 * @return the started process
	 */
	static ManagedProcess start(String name, List<String> command, Map<String, String> environment, Path directory,
			Path log) {
		try {
			ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
			builder.environment().putAll(environment);
			return new ManagedProcess(name, log, builder.start());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + name + ": " + command, ex);
		}
	}

	String name() {
		return this.name;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Describe how the process ended, for messages.
	 * @return its exit code, or that it runs
	 */
	String status() {
		return this.process.isAlive() ? "running" : "exited with " + this.process.exitValue();
	}

	/** SIGTERM, without waiting. */
	void terminate() {
		this.process.destroy();
	}

	/**
	 * Stop gracefully (SIGTERM), then forcibly.
	 * @param timeout how long SIGTERM is given
	 */
	void stop(Duration timeout) {
		this.process.destroy();
		if (!waitFor(timeout)) {
			kill();
		}
	}

	/** SIGKILL, and reap it. */
	void kill() {
		this.process.destroyForcibly();
		waitFor(Duration.ofSeconds(5));
	}

	private boolean waitFor(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * The end of its log.
	 * @param lines how many lines at most
	 * @return the lines, or why there are none
	 */
	String logTail(int lines) {
		try {
			List<String> all = new String(Files.readAllBytes(this.log), StandardCharsets.UTF_8).lines().toList();
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

}
