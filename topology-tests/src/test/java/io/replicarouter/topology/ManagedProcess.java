package io.replicarouter.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server process of the topology, its output in a log file, stopped with SIGTERM (then
 * SIGKILL) by {@link #stop()} and, at the latest, when the JVM exits.
 */
final class ManagedProcess implements AutoCloseable {

	private final String name;

	private final Path log;

	private final Process process;

	private ManagedProcess(String name, Path log, Process process) {
		this.name = name;
		this.log = log;
		this.process = process;
	}

	static ManagedProcess start(String name, List<String> command, Map<String, String> environment, Path log) {
		try {
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
			builder.environment().putAll(environment);
			ManagedProcess started = new ManagedProcess(name, log, builder.start());
			// Gracefully too: shutdown hooks run concurrently, and a SIGKILL here would beat the
			// topology's orderly stop and orphan nginx's workers.
			Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "topology-stop-" + name));
			return started;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + name + ": " + command, ex);
		}
	}

	String name() {
		return this.name;
	}

	Path log() {
		return this.log;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Wait until something accepts connections on the port, failing early if the process
	 * died.
	 * @param port the port
	 * @param timeout how long to wait
	 */
	void awaitPort(int port, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue() + ":\n"
						+ logTail());
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
				return;
			}
			catch (IOException ex) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(this.name + " does not listen on " + port + " after " + timeout
							+ ":\n" + logTail());
				}
				sleep(50);
			}
		}
	}

	String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/**
	 * Stop gracefully (SIGTERM), then forcibly after 10 s. The process's children (setpriv
	 * execs its program, so there are none) are not tracked.
	 */
	void stop() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				kill();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill();
		}
	}

	private void kill() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			try {
				this.process.waitFor(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public void close() {
		stop();
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
