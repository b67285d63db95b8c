package io.replicarouter.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.PrimaryOutage;
import io.replicarouter.routing.PrimaryReadInterceptor;
import io.replicarouter.routing.PrimaryReadPointcut;
import io.replicarouter.routing.ReadOnlyTransactionPointcut;
import io.replicarouter.routing.ReadOnlyTransactionRetryInterceptor;
import io.replicarouter.routing.ReadWriteTransactionPointcut;
import io.replicarouter.routing.ReplicaCandidate;
import io.replicarouter.routing.ReplicaReadInterceptor;
import io.replicarouter.routing.ReplicaReadPointcut;
import io.replicarouter.routing.RepositoryReadRetry;
import io.replicarouter.routing.RoutingStatistics;
import io.replicarouter.routing.RoutingTopology;
import io.replicarouter.routing.WriteTransactionRetryInterceptor;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionAttributeSource;

/**
 * The advisors replica-router adds to application beans and Spring Data repositories:
 * {@code @PrimaryRead} pins, {@code @ReplicaRead} staleness bounds, re-running of read-only transactions whose replica failed,
 * and, when enabled, of read-write transactions that could not get the primary.
 * Imported by {@link ReplicaRouterAutoConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class ReplicaRouterAdvisorsConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "primaryReadAdvisor")
	static DefaultPointcutAdvisor primaryReadAdvisor() {
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(new PrimaryReadPointcut(),
				new PrimaryReadInterceptor());
		// Outside the transaction interceptor, so the pin is in place before the transaction
		// starts; with lazy connections either order would route correctly.
		advisor.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
		return advisor;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "replicaReadAdvisor")
	static DefaultPointcutAdvisor replicaReadAdvisor(Environment environment) {
		// Group names in annotations are checked against the groups replicas are in, as
		// bound from the environment: advisors are created before the properties bean.
		ReplicaReadPointcut pointcut = new ReplicaReadPointcut(() -> replicaGroups(environment));
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(pointcut, new ReplicaReadInterceptor(pointcut));
		// Beside the @PrimaryRead pin, outside the transaction interceptor.
		advisor.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
		return advisor;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnMissingBean(name = "readOnlyTransactionRetryAdvisor")
	static DefaultPointcutAdvisor readOnlyTransactionRetryAdvisor(ObjectProvider<RoutingTopology> topology,
			ObjectProvider<RoutingStatistics> statistics, Environment environment) {
		AnnotationTransactionAttributeSource attributes = new AnnotationTransactionAttributeSource(false);
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(new ReadOnlyTransactionPointcut(attributes),
				retryInterceptor(attributes, topology, statistics, environment));
		// Outside the transaction interceptor: each attempt must be a new transaction.
		advisor.setOrder(Ordered.HIGHEST_PRECEDENCE + 50);
		return advisor;
	}

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnBooleanProperty("replica-router.retry.writes.enabled")
	@ConditionalOnMissingBean(name = "writeTransactionRetryAdvisor")
	static DefaultPointcutAdvisor writeTransactionRetryAdvisor(ObjectProvider<RoutingTopology> topology,
			ObjectProvider<RoutingStatistics> statistics, Environment environment) {
		AnnotationTransactionAttributeSource attributes = new AnnotationTransactionAttributeSource(false);
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(new ReadWriteTransactionPointcut(attributes),
				writeRetryInterceptor(attributes, topology, statistics, environment));
		// Outside the transaction interceptor: each attempt must be a new transaction.
		advisor.setOrder(Ordered.HIGHEST_PRECEDENCE + 50);
		return advisor;
	}

	/**
	 * The groups replicas are in, or {@code null} when the replicas cannot be bound: the
	 * validation of the settings then reports what is wrong with them, better than a check
	 * of an annotation could.
	 */
	private static @Nullable Set<String> replicaGroups(Environment environment) {
		try {
			return Binder.get(environment)
				.bind(ReplicaRouterProperties.PREFIX + ".replicas",
						Bindable.listOf(ReplicaRouterProperties.Replica.class))
				.map((replicas) -> {
					Set<String> groups = new TreeSet<>();
					replicas.forEach((replica) -> groups.add(replica.getGroup()));
					return groups;
				})
				.orElse(null);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private static WriteTransactionRetryInterceptor writeRetryInterceptor(TransactionAttributeSource attributes,
			ObjectProvider<RoutingTopology> topology, ObjectProvider<RoutingStatistics> statistics,
			Environment environment) {
		Binder binder = Binder.get(environment);
		int maxAttempts = binder.bind(ReplicaRouterProperties.PREFIX + ".retry.max-attempts", Integer.class)
			.orElse(new ReplicaRouterProperties.Retry().getMaxAttempts());
		Duration maxWait = binder.bind(ReplicaRouterProperties.PREFIX + ".retry.writes.max-wait", Duration.class)
			.orElse(new ReplicaRouterProperties.Writes().getMaxWait());
		return new WriteTransactionRetryInterceptor(attributes, new LazyTopology(topology), maxAttempts, maxWait,
				() -> statistics.getObject().recordWriteRetry());
	}

	private static ReadOnlyTransactionRetryInterceptor retryInterceptor(TransactionAttributeSource attributes,
			ObjectProvider<RoutingTopology> topology, ObjectProvider<RoutingStatistics> statistics,
			Environment environment) {
		int maxAttempts = Binder.get(environment)
			.bind(ReplicaRouterProperties.PREFIX + ".retry.max-attempts", Integer.class)
			.orElse(new ReplicaRouterProperties.Retry().getMaxAttempts());
		return new ReadOnlyTransactionRetryInterceptor(attributes, new LazyTopology(topology), maxAttempts,
				() -> statistics.getObject().recordTransactionRetry());
	}

	/**
	 * Retries for Spring Data repositories, whose proxies the advisor above never reaches.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(RepositoryFactoryBeanSupport.class)
	static class RepositoryRetryConfiguration {

		@Bean
		@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
		@ConditionalOnMissingBean(name = "replicaRouterRepositoryReadRetry")
		static RepositoryReadRetry replicaRouterRepositoryReadRetry(ObjectProvider<RoutingTopology> topology,
				ObjectProvider<RoutingStatistics> statistics, Environment environment) {
			boolean retryWrites = Binder.get(environment)
				.bind(ReplicaRouterProperties.PREFIX + ".retry.writes.enabled", Boolean.class)
				.orElse(false);
			return new RepositoryReadRetry((attributes) -> retryWrites
					? List.of(writeRetryInterceptor(attributes, topology, statistics, environment),
							retryInterceptor(attributes, topology, statistics, environment))
					: List.of(retryInterceptor(attributes, topology, statistics, environment)));
		}

	}

	/**
	 * Resolves the topology on first use: advisors are created before ordinary beans, and
	 * must not pull the pools and the monitor in that early.
	 */
	private static final class LazyTopology implements RoutingTopology {

		private final ObjectProvider<RoutingTopology> provider;

		private LazyTopology(ObjectProvider<RoutingTopology> provider) {
			this.provider = provider;
		}

		@Override
		public List<ReplicaCandidate> eligibleReplicas() {
			return this.provider.getObject().eligibleReplicas();
		}

		@Override
		public List<ReplicaCandidate> replicasWithinLag(Duration maxLag) {
			return this.provider.getObject().replicasWithinLag(maxLag);
		}

		@Override
		public @Nullable String primaryUnavailableReason() {
			return this.provider.getObject().primaryUnavailableReason();
		}

		@Override
		public @Nullable PrimaryOutage primaryOutage() {
			return this.provider.getObject().primaryOutage();
		}

		@Override
		public String describeIneligibleReplicas() {
			return this.provider.getObject().describeIneligibleReplicas();
		}

		@Override
		public void reportFailure(DataSourceNode node, Throwable failure) {
			this.provider.getObject().reportFailure(node, failure);
		}

	}

}
