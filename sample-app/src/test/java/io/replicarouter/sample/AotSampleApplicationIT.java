package io.replicarouter.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.replicarouter.autoconfigure.InvalidReplicaRouterConfigurationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The sample started from the code that AOT processing generated in the build
 * ({@code spring-boot:process-aot}), as a native image starts it. The build saw
 * {@code application.yml}, with one replica: the application runs with one replica too,
 * since the replica pool beans are fixed at build time, and fails with a message that says
 * so when more are configured.
 */
class AotSampleApplicationIT {

	private static DevServices services;

	private ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newHttpClient();

	@BeforeAll
	static void startServices() {
		services = DevServices.start();
	}

	@AfterAll
	static void stopServices() {
		if (services != null) {
			services.close();
		}
	}

	@AfterEach
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void readOnlyRequestsRunOnTheReplicaFromGeneratedCode() throws Exception {
		this.context = runWithAot(arguments(1));
		assertThat(((AbstractBeanDefinition) this.context.getBeanFactory()
			.getBeanDefinition("replicaRouterReplica0DataSource")).getInstanceSupplier())
			.as("the pool bean comes from generated code")
			.isNotNull();
		String base = "http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port");
		HttpResponse<String> products = this.http.send(
				HttpRequest.newBuilder(URI.create(base + "/products?limit=3")).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(products.statusCode()).isEqualTo(200);
		DocumentContext json = JsonPath.parse(products.body());
		assertThat(json.read("$[0].servedBy.replica", Boolean.class)).isTrue();
		assertThat(json.read("$[0].servedBy.port", Integer.class))
			.isEqualTo(services.cluster().replicas().get(0).port());
	}

	@Test
	void moreReplicasThanAtBuildTimeFailStartupNamingTheCause() {
		assertThatException().isThrownBy(() -> this.context = runWithAot(arguments(2)))
			.havingRootCause()
			.isInstanceOf(InvalidReplicaRouterConfigurationException.class)
			.withMessageContaining("2 replica(s) are configured, but the application was AOT-processed with 1");
	}

	/**
	 * The embedded services' properties, with only the first {@code replicas} replicas.
	 */
	private static String[] arguments(int replicas) {
		List<String> arguments = new ArrayList<>();
		for (String property : services.properties()) {
			boolean otherReplica = false;
			for (int index = replicas; index < services.cluster().replicas().size(); index++) {
				otherReplica |= property.startsWith("replica-router.replicas[" + index + "]");
			}
			if (!otherReplica) {
				arguments.add("--" + property);
			}
		}
		arguments.add("--server.port=0");
		return arguments.toArray(String[]::new);
	}

	private static ConfigurableApplicationContext runWithAot(String[] arguments) {
		// What "java -Dspring.aot.enabled=true -jar" and a native image do: use the
		// generated initializer instead of processing the configuration classes.
		System.setProperty(AotDetector.AOT_ENABLED, "true");
		try {
			assertThat(AotDetector.useGeneratedArtifacts()).isTrue();
			// The main class names the generated initializer
			// (SampleApplication__ApplicationContextInitializer).
			return new SpringApplicationBuilder(SampleApplication.class).main(SampleApplication.class).run(arguments);
		}
		finally {
			System.clearProperty(AotDetector.AOT_ENABLED);
		}
	}

}
