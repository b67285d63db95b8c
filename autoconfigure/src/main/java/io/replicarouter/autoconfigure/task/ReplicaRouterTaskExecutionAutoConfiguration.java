package io.replicarouter.autoconfigure.task;

import java.util.Set;

import io.micrometer.context.ContextSnapshotFactory;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.consistency.ConsistencyScopeThreadLocalAccessor;
import io.replicarouter.routing.PrimaryReadThreadLocalAccessor;
import io.replicarouter.routing.ReplicaReadThreadLocalAccessor;
import io.replicarouter.routing.ReplicaRoutingDataSource;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.task.TaskDecorator;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;

/**
 * Carries the caller's consistency scope and {@code @PrimaryRead} pin to the threads of
 * the task executors Boot builds ({@code applicationTaskExecutor}, so {@code @Async} and
 * Spring MVC's asynchronous requests; the virtual-thread executor too): a
 * {@link TaskDecorator} bean, which Boot applies together with the application's own
 * ({@code CompositeTaskDecorator}), that propagates only replica-router's thread-locals.
 * <p>
 * Backs off when {@code spring.task.execution.propagate-context=true}: Boot's decorator
 * then carries every registered {@code ThreadLocalAccessor}, replica-router's included.
 */
@AutoConfiguration(after = ReplicaRouterAutoConfiguration.class)
@ConditionalOnClass({ ContextSnapshotFactory.class, ContextPropagatingTaskDecorator.class })
@ConditionalOnBean(ReplicaRoutingDataSource.class)
@ConditionalOnBooleanProperty(name = "replica-router.propagate-context", matchIfMissing = true)
public final class ReplicaRouterTaskExecutionAutoConfiguration {

	private static final Set<Object> KEYS = Set.of(ConsistencyScopeThreadLocalAccessor.KEY,
			PrimaryReadThreadLocalAccessor.KEY, ReplicaReadThreadLocalAccessor.KEY);

	@Bean
	@ConditionalOnMissingBean(name = "replicaRouterTaskDecorator")
	@ConditionalOnBooleanProperty(name = "spring.task.execution.propagate-context", havingValue = false,
			matchIfMissing = true)
	ContextPropagatingTaskDecorator replicaRouterTaskDecorator() {
		return new ContextPropagatingTaskDecorator(
				ContextSnapshotFactory.builder().captureKeyPredicate(KEYS::contains).build());
	}

}
