package io.replicarouter.autoconfigure.task;

import java.util.concurrent.atomic.AtomicBoolean;

import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.routing.PrimaryReads;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaRouterTaskExecutionAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ReplicaRouterAutoConfiguration.class,
				DataSourceAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
				ReplicaRouterTaskExecutionAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"spring.datasource.username=app", "replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app");

	@Test
	void theApplicationTaskExecutorCarriesAPrimaryPin() {
		this.runner.run((context) -> {
			assertThat(context).hasBean("replicaRouterTaskDecorator");
			assertThat(pinnedInTask(context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class))).isTrue();
		});
	}

	@Test
	void theApplicationsOwnTaskDecoratorStillApplies() {
		this.runner.withUserConfiguration(UserDecoratorConfiguration.class).run((context) -> {
			AsyncTaskExecutor executor = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
			assertThat(pinnedInTask(executor)).isTrue();
			assertThat(context.getBean(UserDecoratorConfiguration.class).decorated).isTrue();
		});
	}

	@Test
	void theVirtualThreadExecutorCarriesAPrimaryPin() {
		this.runner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			AsyncTaskExecutor executor = context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
			assertThat(pinnedInTask(executor)).isTrue();
		});
	}

	@Test
	void backsOffWhenBootPropagatesEveryContext() {
		this.runner.withPropertyValues("spring.task.execution.propagate-context=true").run((context) -> {
			assertThat(context).doesNotHaveBean("replicaRouterTaskDecorator");
			assertThat(context).hasSingleBean(ContextPropagatingTaskDecorator.class);
			assertThat(pinnedInTask(context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class))).isTrue();
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("replica-router.propagate-context=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TaskDecorator.class);
			assertThat(pinnedInTask(context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class))).isFalse();
		});
	}

	@Test
	void backsOffWithoutTheContextPropagationLibrary() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.context"))
			.run((context) -> assertThat(context).doesNotHaveBean(TaskDecorator.class));
	}

	@Test
	void backsOffWithoutTheRouter() {
		this.runner.withPropertyValues("replica-router.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("replicaRouterTaskDecorator"));
	}

	private static boolean pinnedInTask(AsyncTaskExecutor executor) throws Exception {
		return PrimaryReads.callChecked(() -> executor.submit(PrimaryReads::isActive).get());
	}

	@Configuration(proxyBeanMethods = false)
	static class UserDecoratorConfiguration {

		volatile boolean decorated;

		@Bean
		TaskDecorator userTaskDecorator() {
			return (runnable) -> () -> {
				this.decorated = true;
				runnable.run();
			};
		}

	}

}
