package io.replicarouter.autoconfigure;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * Every kind of bad configuration stops startup with a message that names the property
 * and the fix, and never shows a password.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadConfigurationTests {

	private static final String PASSWORD = "bad-Config-Secret-77";

	private static final String REPLICA = "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app?password=" + PASSWORD,
				"spring.datasource.username=app", "spring.datasource.password=" + PASSWORD);

	static Stream<Arguments> invalidSettings() {
		return Stream.of(
				// Every duration: zero and negative.
				bad("replica-router.max-lag", "0s", "must be longer than zero"),
				bad("replica-router.max-lag", "-5s", "must be longer than zero"),
				bad("replica-router.timeouts.connect", "0ms", "must be longer than zero"),
				bad("replica-router.timeouts.connect", "-1s", "must be longer than zero"),
				bad("replica-router.timeouts.socket", "0s", "must be longer than zero"),
				bad("replica-router.timeouts.socket", "-1s", "must be longer than zero"),
				bad("replica-router.timeouts.borrow", "0s", "must be at least PT0.25S"),
				bad("replica-router.timeouts.borrow", "-1s", "must be at least PT0.25S"),
				bad("replica-router.health.probe-interval", "0s", "must be longer than zero"),
				bad("replica-router.health.probe-interval", "-1s", "must be longer than zero"),
				bad("replica-router.health.probe-timeout", "0s", "must be longer than zero"),
				bad("replica-router.health.probe-timeout", "-1s", "must be longer than zero"),
				bad("replica-router.health.max-backoff", "0s", "must be at least"),
				bad("replica-router.health.max-backoff", "-1s", "must be at least"),
				bad("replica-router.health.pool-saturation-period", "0s", "must be longer than zero"),
				bad("replica-router.health.pool-saturation-period", "-1s", "must be longer than zero"),
				bad("replica-router.consistency.max-wait", "-1ms", "must not be negative"),
				bad("replica-router.consistency.sticky-window", "0s", "must be longer than zero"),
				bad("replica-router.consistency.sticky-window", "-2s", "must be longer than zero"),
				bad("replica-router.consistency.redis.command-timeout", "0s", "must be longer than zero"),
				// Numbers out of range.
				bad("replica-router.max-lag-bytes", "-1", "it is negative"),
				bad("replica-router.retry.max-attempts", "0", "must be at least 1"),
				bad("replica-router.retry.max-attempts", "-3", "must be at least 1"),
				bad("replica-router.fallback-max-concurrency", "0", "must be at least 1"),
				bad("replica-router.primary.unavailable-wait", "-1s", "must not be negative"),
				bad("replica-router.primary.read-weight", "-1", "must not be negative"),
				bad("replica-router.retry.writes.max-wait", "-1s", "must not be negative"),
				bad("replica-router.health.pool-usage-threshold", "0", "more than 0 and at most 1"),
				bad("replica-router.health.pool-usage-threshold", "1.5", "more than 0 and at most 1"),
				bad("replica-router.replicas[0].weight", "0", "must be at least 1"),
				bad("replica-router.replicas[0].weight", "-2", "must be at least 1"),
				// Malformed and wrong URLs.
				bad("replica-router.replicas[0].url", "", "it is not set"),
				bad("replica-router.replicas[0].url", "nonsense", "is not a PostgreSQL JDBC URL"),
				bad("replica-router.replicas[0].url", "jdbc:mysql://127.0.0.1:3/app", "is not a PostgreSQL JDBC URL"),
				bad("replica-router.replicas[0].url", "postgresql://127.0.0.1:3/app", "is not a PostgreSQL JDBC URL"),
				bad("replica-router.replicas[0].url", "jdbc:postgresql://127.0.0.1:99999/app", "is malformed"),
				bad("replica-router.replicas[0].url", "jdbc:postgresql://127.0.0.1:abc/app", "is malformed"),
				bad("replica-router.replicas[0].url", "jdbc:postgresql://127.0.0.1:/app", "is malformed"),
				bad("replica-router.replicas[0].url", "jdbc:postgresql://[::1/app", "is malformed"),
				bad("replica-router.replicas[0].url", "jdbc:postgresql://replica 1:5432/app", "is malformed"),
				bad("replica-router.replicas[0].url", "jdbc:postgresql:", "is malformed"),
				bad("replica-router.replicas[0].url", "jdbc:postgresql://app:" + PASSWORD + "@127.0.0.1:2/app",
						"carries credentials before the host"),
				bad("spring.datasource.url", "jdbc:postgresql://app:" + PASSWORD + "@127.0.0.1:1/app",
						"carries credentials before the host"),
				// The primary under another spelling of the same endpoint.
				bad("replica-router.replicas[0].url", "jdbc:postgresql://127.0.0.1:1/app", "same server and database"),
				bad("replica-router.replicas[0].url", "JDBC:POSTGRESQL://127.0.0.1:1/app?readOnly=true",
						"same server and database"),
				bad("replica-router.replicas[0].name", "eu 1", "contains characters other than"),
				bad("spring.datasource.url", "jdbc:h2:mem:test", "needs a PostgreSQL primary"));
	}

	private static Arguments bad(String property, String value, String problem) {
		return Arguments.of(property, value, problem);
	}

	@ParameterizedTest(name = "{0}={1}")
	@MethodSource("invalidSettings")
	void invalidSettingFailsNamingThePropertyAndTheFix(String property, String value, String problem) {
		this.runner.withPropertyValues(REPLICA, property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidReplicaRouterConfigurationException.class)
				.hasMessageContaining("'" + property + "'")
				.hasMessageContaining(problem)
				.hasMessageNotContaining(PASSWORD);
			InvalidReplicaRouterConfigurationException failure = (InvalidReplicaRouterConfigurationException) rootCause(
					context.getStartupFailure());
			assertThat(failure.getAction()).as("the fix").isNotBlank().doesNotContain(PASSWORD);
		});
	}

	@Test
	void explicitAndDerivedDuplicateNamesFailNamingTheProperty() {
		this.runner
			.withPropertyValues("replica-router.replicas[0].name=2",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:3/app",
					"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:4/app")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'replica-router.replicas[1].name'")
				.hasMessageContaining("already named '2'")
				.hasMessageContaining("1-based position"));
		this.runner
			.withPropertyValues("replica-router.replicas[0].name=eu",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:3/app",
					"replica-router.replicas[1].name= eu ",
					"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:4/app")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("'replica-router.replicas[1].name'")
				.hasMessageContaining("already named 'eu'"));
	}

	static Stream<Arguments> invalidGroups() {
		String analytics = "replica-router.replicas[1].group=analytics";
		String second = "replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:4/app";
		return Stream.of(
				Arguments.of(List.of(second, "replica-router.replicas[1].group=bi reports"),
						"replica-router.replicas[1].group", "characters other than"),
				Arguments.of(List.of("replica-router.replicas[0].group=analytics"), "replica-router.replicas[i].group",
						"no replica is in the 'default' group"),
				Arguments.of(List.of(second, analytics, "replica-router.groups.reports.max-lag=30s"),
						"replica-router.groups.reports", "no replica is in group 'reports'"),
				Arguments.of(List.of(second, analytics, "replica-router.groups.analytics.max-lag=-1s"),
						"replica-router.groups.analytics.max-lag", "must be longer than zero"),
				Arguments.of(List.of(second, analytics, "replica-router.groups.analytics.fallback=reports"),
						"replica-router.groups.analytics.fallback", "neither 'fail', 'primary' nor a group"),
				Arguments.of(List.of(second, analytics, "replica-router.groups.analytics.fallback=analytics"),
						"replica-router.groups.analytics.fallback", "falls back to itself"),
				Arguments.of(List.of(second, analytics, "replica-router.groups.analytics.fallback=default",
						"replica-router.groups.default.fallback=analytics"), "replica-router.groups.*.fallback",
						"in a cycle"));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("invalidGroups")
	void invalidGroupSettingsFailNamingThePropertyAndTheFix(List<String> properties, String property, String problem) {
		this.runner.withPropertyValues(REPLICA).withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidReplicaRouterConfigurationException.class)
				.hasMessageContaining("'" + property + "'")
				.hasMessageContaining(problem);
		});
	}

	@Test
	void everyProblemIsReportedAtOnce() {
		this.runner
			.withPropertyValues("replica-router.max-lag=0s", "replica-router.health.probe-timeout=-1s",
					"replica-router.replicas[0].url=jdbc:mysql://127.0.0.1:3/app?password=" + PASSWORD,
					"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:4/app",
					"replica-router.replicas[1].weight=0")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable root = rootCause(context.getStartupFailure());
				assertThat(root).isInstanceOf(InvalidReplicaRouterConfigurationException.class)
					.hasMessageStartingWith("4 invalid configuration properties:")
					.hasMessageContaining("'replica-router.max-lag'")
					.hasMessageContaining("'replica-router.health.probe-timeout'")
					.hasMessageContaining("'replica-router.replicas[0].url'")
					.hasMessageContaining("'replica-router.replicas[1].weight'")
					.hasMessageNotContaining(PASSWORD);
				assertThat(((InvalidReplicaRouterConfigurationException) root).getProblems()).hasSize(4);
			});
	}

	@Test
	void cacheDurationsMustBePositive() {
		ReplicaRouterCacheProperties cache = new ReplicaRouterCacheProperties();
		cache.setDefaultTtl(java.time.Duration.ZERO);
		cache.setCommandTimeout(java.time.Duration.ofMillis(-1));
		cache.getCircuitBreaker().setOpenDuration(java.time.Duration.ZERO);
		cache.getCircuitBreaker().setFailureThreshold(0);
		assertThatException().isThrownBy(() -> SettingsValidator.validate(cache))
			.isInstanceOf(InvalidReplicaRouterConfigurationException.class)
			.withMessageContaining("'replica-router.cache.default-ttl'")
			.withMessageContaining("'replica-router.cache.command-timeout'")
			.withMessageContaining("'replica-router.cache.circuit-breaker.open-duration'")
			.withMessageContaining("'replica-router.cache.circuit-breaker.failure-threshold'");
	}

	static List<String> enumProperties() {
		return List.of("replica-router.balancing", "replica-router.fallback", "replica-router.non-transactional-reads",
				"replica-router.consistency.mode");
	}

	@ParameterizedTest
	@MethodSource("enumProperties")
	void unknownNameFailsNamingTheProperty(String property) {
		this.runner.withPropertyValues(REPLICA, property + "=fastest").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(allMessages(context.getStartupFailure())).contains(property).contains("fastest");
		});
	}

	@Test
	void failureReportOfAnUnknownNameListsTheValidOnes(CapturedOutput output) {
		SpringApplication application = new SpringApplicationBuilder(RouterOnly.class)
			.web(WebApplicationType.NONE)
			.properties("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app", REPLICA,
					"replica-router.balancing=fastest", "spring.main.banner-mode=off")
			.build();
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("replica-router.balancing")
			.contains("fastest")
			.contains("The following values are valid")
			.contains("ROUND_ROBIN")
			.contains("LEAST_CONNECTIONS");
	}

	@Test
	void failureReportOfInvalidSettingsNamesThePropertyAndTheFix(CapturedOutput output) {
		SpringApplication application = new SpringApplicationBuilder(RouterOnly.class)
			.web(WebApplicationType.NONE)
			.properties("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app", REPLICA,
					"spring.datasource.password=" + PASSWORD, "replica-router.replicas[1].url=jdbc:postgresql:",
					"replica-router.timeouts.socket=0s", "spring.main.banner-mode=off")
			.build();
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("'replica-router.replicas[1].url'")
			.contains("'replica-router.timeouts.socket'")
			.contains("Fix each of the 2 properties")
			.doesNotContain(PASSWORD);
	}

	private static Throwable rootCause(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	private static String allMessages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable ex = failure; ex != null; ex = ex.getCause()) {
			messages.append(ex).append('\n');
		}
		return messages.toString();
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class })
	static class RouterOnly {

	}

}
