package io.replicarouter.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * nginx balancing HTTP over the application's instances, with the site configuration of
 * {@code deploy/examples/nginx.conf} (only the lines marked "set per deployment" replaced)
 * inside a generated main configuration that keeps every file under its own directory.
 */
final class Nginx implements AutoCloseable {

	private static final String MARKER = "# set per deployment";

	private final int port;

	private final ManagedProcess process;

	private Nginx(int port, ManagedProcess process) {
		this.port = port;
		this.process = process;
	}

	static Nginx start(Path example, Path directory, List<Integer> upstreamPorts) {
		int port = Executables.freePort();
		try {
			Files.createDirectories(directory.resolve("logs"));
			Files.writeString(directory.resolve("site.conf"), site(example, port, upstreamPorts),
					StandardCharsets.UTF_8);
			Files.writeString(directory.resolve("nginx.conf"), """
					daemon off;
					worker_processes 1;
					pid %1$s/nginx.pid;
					error_log stderr notice;
					events {
					    worker_connections 1024;
					}
					http {
					    access_log %1$s/logs/access.log;
					    client_body_temp_path %1$s/client_body;
					    proxy_temp_path %1$s/proxy;
					    fastcgi_temp_path %1$s/fastcgi;
					    uwsgi_temp_path %1$s/uwsgi;
					    scgi_temp_path %1$s/scgi;
					    include %1$s/site.conf;
					}
					""".formatted(directory), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not configure nginx", ex);
		}
		// As root, nginx's master stays root (to bind and open logs) and its workers run as
		// nobody; they only proxy, reading no file of ours.
		ManagedProcess process = ManagedProcess.start("nginx",
				List.of(Executables.require("nginx").toString(), "-e", "stderr", "-p", directory + "/", "-c",
						directory.resolve("nginx.conf").toString()),
				Map.of(), directory.resolveSibling("nginx.log"));
		process.awaitPort(port, Duration.ofSeconds(20));
		return new Nginx(port, process);
	}

	/**
	 * The example's site with the line after each marker replaced: {@code server} lines
	 * get the next instance's address, {@code listen} this nginx's port.
	 */
	static String site(Path example, int port, List<Integer> upstreamPorts) throws IOException {
		List<String> out = new ArrayList<>();
		Iterator<Integer> upstreams = upstreamPorts.iterator();
		boolean replaceNext = false;
		int servers = 0;
		for (String line : Files.readAllLines(example, StandardCharsets.UTF_8)) {
			String trimmed = line.trim();
			if (replaceNext && !trimmed.startsWith("#")) {
				replaceNext = false;
				String indent = line.substring(0, line.indexOf(trimmed));
				if (trimmed.startsWith("server ")) {
					if (!upstreams.hasNext()) {
						continue;
					}
					out.add(indent + trimmed.replaceFirst("^server\\s+\\S+", "server 127.0.0.1:" + upstreams.next()));
					servers++;
					continue;
				}
				if (trimmed.startsWith("listen ")) {
					out.add(indent + "listen 127.0.0.1:" + port + ";");
					continue;
				}
				throw new IllegalStateException("Unexpected line after '" + MARKER + "' in " + example + ": " + line);
			}
			replaceNext |= trimmed.startsWith(MARKER);
			out.add(line);
		}
		if (servers != upstreamPorts.size()) {
			throw new IllegalStateException(example + " has " + servers + " upstream server lines marked '" + MARKER
					+ "' but the topology runs " + upstreamPorts.size() + " instances");
		}
		return String.join("\n", out) + "\n";
	}

	int port() {
		return this.port;
	}

	String url() {
		return "http://127.0.0.1:" + this.port;
	}

	Path log() {
		return this.process.log();
	}

	@Override
	public void close() {
		// SIGTERM: fast shutdown of the master and its workers.
		this.process.stop();
	}

}
