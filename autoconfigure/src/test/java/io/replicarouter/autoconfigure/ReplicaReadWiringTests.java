package io.replicarouter.autoconfigure;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;

import io.replicarouter.PrimaryRead;
import io.replicarouter.ReplicaRead;
import io.replicarouter.routing.PrimaryReads;
import io.replicarouter.routing.ReplicaReads;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.annotation.EnableTransactionManagement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplicaRead} on methods, classes, interfaces and as a meta-annotation sets the
 * staleness bound of the reads made while the method runs; a bound that cannot be read
 * fails the startup, naming the method and the fix. No database is needed: the bound is
 * read on the calling thread.
 */
class ReplicaReadWiringTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"spring.datasource.username=app", "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app");

	@Test
	void theAnnotationBoundsTheReadsOfTheMethodTheInnermostWinning() {
		this.runner.withUserConfiguration(BoundsConfiguration.class).run((context) -> {
			assertThat(context).hasBean("replicaReadAdvisor");
			Reports reports = context.getBean(Reports.class);
			assertThat(reports.classBound()).isEqualTo(Duration.ofSeconds(30));
			assertThat(reports.methodBound()).as("the method's over its class's").isEqualTo(Duration.ofMillis(500));
			assertThat(reports.noBoundOfItsOwn()).as("the class's").isEqualTo(Duration.ofSeconds(30));
			assertThat(reports.pinned()).as("the pin is in place too").isTrue();
			assertThat(context.getBean(Dashboard.class).fromInterface()).isEqualTo(Duration.ofSeconds(2));
			assertThat(context.getBean(Dashboard.class).metaAnnotated()).isEqualTo(Duration.ofMinutes(1));
			assertThat(context.getBean(Dashboard.class).unbounded()).isNull();
			assertThat(ReplicaReads.maxLag()).as("nothing left behind").isNull();
		});
	}

	@Test
	void anUnreadableBoundFailsTheStartupNamingTheMethodAndTheFix() {
		this.runner.withUserConfiguration(BadBoundConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("@ReplicaRead(maxLag = \"soon\")")
				.hasMessageContaining("BadBound.read")
				.hasMessageContaining("it is no duration")
				.hasMessageContaining("such as \"500ms\"");
		});
	}

	@Test
	void aNegativeBoundFailsTheStartup() {
		this.runner.withUserConfiguration(NegativeBoundConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("@ReplicaRead(maxLag = \"-1s\")")
				.hasMessageContaining("NegativeBound.read")
				.hasMessageContaining("it is negative");
		});
	}

	@Test
	void aReadAskingForAGroupReadsThereAndAnUnknownGroupFailsTheStartup() {
		this.runner
			.withPropertyValues("replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:3/app",
					"replica-router.replicas[1].group=analytics")
			.withUserConfiguration(GroupConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(Reporting.class).group()).isEqualTo("analytics");
			});
		this.runner.withUserConfiguration(GroupConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("@ReplicaRead(group = \"analytics\")")
				.hasMessageContaining("Reporting.group")
				.hasMessageContaining("replica-router.replicas[i].group=analytics")
				.hasMessageContaining("default");
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class GroupConfiguration {

		@Bean
		Reporting reporting() {
			return new Reporting();
		}

	}

	static class Reporting {

		@ReplicaRead(group = "analytics")
		String group() {
			return ReplicaReads.group();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class BoundsConfiguration {

		@Bean
		Reports reports() {
			return new Reports();
		}

		@Bean
		Dashboard dashboard() {
			return new DefaultDashboard();
		}

	}

	@ReplicaRead(maxLag = "30s")
	static class Reports {

		Duration classBound() {
			return ReplicaReads.maxLag();
		}

		@ReplicaRead(maxLag = "500ms")
		Duration methodBound() {
			return ReplicaReads.maxLag();
		}

		@ReplicaRead
		Duration noBoundOfItsOwn() {
			return ReplicaReads.maxLag();
		}

		@PrimaryRead
		boolean pinned() {
			return PrimaryReads.isActive() && Duration.ofSeconds(30).equals(ReplicaReads.maxLag());
		}

	}

	@Target(ElementType.METHOD)
	@Retention(RetentionPolicy.RUNTIME)
	@ReplicaRead(maxLag = "PT1M")
	@interface StaleMinuteIsFine {

	}

	interface Dashboard {

		@ReplicaRead(maxLag = "2s")
		Duration fromInterface();

		Duration metaAnnotated();

		Duration unbounded();

	}

	static class DefaultDashboard implements Dashboard {

		@Override
		public Duration fromInterface() {
			return ReplicaReads.maxLag();
		}

		@Override
		@StaleMinuteIsFine
		public Duration metaAnnotated() {
			return ReplicaReads.maxLag();
		}

		@Override
		public Duration unbounded() {
			return ReplicaReads.maxLag();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class BadBoundConfiguration {

		@Bean
		BadBound badBound() {
			return new BadBound();
		}

	}

	static class BadBound {

		@ReplicaRead(maxLag = "soon")
		void read() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableTransactionManagement
	static class NegativeBoundConfiguration {

		@Bean
		NegativeBound negativeBound() {
			return new NegativeBound();
		}

	}

	static class NegativeBound {

		@ReplicaRead(maxLag = "-1s")
		void read() {
		}

	}

}
