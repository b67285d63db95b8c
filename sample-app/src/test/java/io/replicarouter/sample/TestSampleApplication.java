package io.replicarouter.sample;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The one-command demo: {@code ./mvnw -pl sample-app -am spring-boot:test-run} starts a
 * PostgreSQL primary with two streaming replicas and a Redis server, embedded (nothing to
 * install, no Docker), then the sample on port 8080. Ctrl-C stops everything.
 */
public final class TestSampleApplication {

	private TestSampleApplication() {
	}

	public static void main(String[] args) {
		DevServices services = DevServices.start();
		List<String> arguments = new ArrayList<>();
		services.properties().forEach((property) -> arguments.add("--" + property));
		arguments.addAll(List.of(args));
		ConfigurableApplicationContext context = SpringApplication.from(SampleApplication::main)
			.run(arguments.toArray(String[]::new))
			.getApplicationContext();
		String base = "http://localhost:" + context.getEnvironment().getProperty("local.server.port", "8080");
		List<String> banner = new ArrayList<>();
		banner.add("");
		banner.add("replica-router sample is running. Started for it:");
		banner.addAll(services.describe());
		banner.add("");
		banner.add("Status page:   " + base + "/status.html");
		banner.add("Try:");
		banner.add("  curl " + base + "/products/1                  # cached, read on a replica");
		banner.add("  curl -i -X PUT " + base + "/profiles/1 -H 'Content-Type: application/json' \\");
		banner.add("       -d '{\"displayName\":\"Ada\"}'               # write, then read your write");
		banner.add("  curl -X POST " + base + "/orders -H 'Content-Type: application/json' \\");
		banner.add("       -d '{\"customerId\":1,\"productId\":2,\"quantity\":1}'");
		banner.add("  curl " + base + "/orders?customerId=1             # read on a replica");
		banner.add("  curl " + base + "/orders/1/payment                # @PrimaryRead: on the primary");
		banner.add("  curl -X POST '" + base + "/demo/workload?seconds=10&threads=4'");
		banner.add("  curl " + base + "/actuator/replication");
		banner.add("  curl " + base + "/actuator/health");
		banner.add("Ctrl-C stops the application, PostgreSQL and Redis.");
		banner.add("");
		System.out.println(String.join(System.lineSeparator(), banner));
	}

}
