package io.replicarouter.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.sample.orders.OrderService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The status page rendered by a real headless Chromium while a replica lags: the page must
 * show it at a glance. Saves a screenshot to {@code target/status-lagging.png}. Needs
 * Debian's {@code chromium} (installed by {@code .ci/run}); skipped, saying so, without it.
 */
class StatusPageIT {

	private static DevServices services;

	private static ConfigurableApplicationContext context;

	private static String base;

	@BeforeAll
	static void start() {
		assumeTrue(chromium() != null, "Chromium is not installed (apt-get install chromium); status page not checked");
		services = DevServices.start();
		List<String> arguments = new ArrayList<>();
		services.properties().forEach((property) -> arguments.add("--" + property));
		arguments.addAll(List.of("--server.port=0", "--replica-router.max-lag=1s",
				"--replica-router.health.probe-interval=200ms"));
		context = new SpringApplicationBuilder(SampleApplication.class).run(arguments.toArray(String[]::new));
		base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		if (services != null) {
			services.close();
		}
	}

	@Test
	void laggingReplicaIsObviousOnTheStatusPage() throws Exception {
		OrderService orders = context.getBean(OrderService.class);
		ReplicaHealthMonitor monitor = context.getBean(ReplicaHealthMonitor.class);
		AtomicBoolean writing = new AtomicBoolean(true);
		ExecutorService writer = Executors.newSingleThreadExecutor();
		writer.submit(() -> {
			while (writing.get()) {
				orders.place(1, 1, 1);
				Thread.sleep(50);
			}
			return null;
		});
		try {
			services.cluster().replica(0).setReplayDelay(Duration.ofSeconds(10));
			long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
			while (monitor.replicaHealth().get(0).state() != NodeState.LAGGING) {
				assertThat(System.nanoTime()).as("replica-1 lagging").isLessThan(deadline);
				Thread.sleep(50);
			}
			String dom = chromium("--dump-dom", base + "/status.html");
			assertThat(dom).contains("data-node=\"replica-1\" data-state=\"lagging\"")
				.contains("data-node=\"replica-2\" data-state=\"up\"")
				.contains("data-node=\"primary\" data-state=\"up\"")
				.contains("DEGRADED")
				.contains("behind the primary (max-lag 1000 ms")
				.contains("topology static (spring.datasource.url and replica-router.replicas)");
			Path screenshot = Path.of("target", "status-lagging.png").toAbsolutePath();
			Files.deleteIfExists(screenshot);
			chromium("--screenshot=" + screenshot, "--window-size=1280,720", base + "/status.html");
			assertThat(screenshot).exists();
			assertThat(Files.size(screenshot)).isGreaterThan(10_000);
		}
		finally {
			writing.set(false);
			writer.shutdown();
			writer.awaitTermination(10, TimeUnit.SECONDS);
			services.cluster().replica(0).clearReplayDelay();
		}
	}

	private static String chromium(String... arguments) throws IOException, InterruptedException {
		Path profile = Files.createTempDirectory("chromium-profile");
		List<String> command = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
				"--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
				"--virtual-time-budget=3000"));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
		return output;
	}

	private static String chromium() {
		for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return candidate;
			}
		}
		return null;
	}

}
