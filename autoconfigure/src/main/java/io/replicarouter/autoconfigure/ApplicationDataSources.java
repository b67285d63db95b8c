package io.replicarouter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import io.replicarouter.routing.ReplicaRoutingDataSource;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.ConfigurationCondition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.Assert;

/**
 * The application's own {@link DataSource} beans, and the rule that decides what the
 * router does with them:
 * <ul>
 * <li>none: the starter builds the primary's pool from {@code spring.datasource.*};</li>
 * <li>one: it is the primary. It stops being a default candidate (as the pools of the
 * starter are not), so that injecting a {@code DataSource} by type gives the routing
 * DataSource; it stays injectable by its name and as
 * {@code replicaRouterPrimaryDataSource};</li>
 * <li>several: replica-router backs off, whether or not one is {@code @Primary}, and says
 * so in a warning. Declaring all but one with {@code @Bean(defaultCandidate = false)}, as
 * Boot's how-to for additional DataSources does, routes the remaining one.</li>
 * </ul>
 * Only default candidates count: beans declared {@code defaultCandidate = false} or
 * {@code autowireCandidate = false}, and the starter's own, are ignored.
 */
final class ApplicationDataSources {

	/**
	 * The name under which the primary's DataSource is always reachable: the starter's pool,
	 * or an alias of the application's bean.
	 */
	static final String PRIMARY = "replicaRouterPrimaryDataSource";

	private static final Log logger = LogFactory.getLog(ApplicationDataSources.class);

	private ApplicationDataSources() {
	}

	/**
	 * The names of the application's DataSource beans that are default candidates.
	 */
	static List<String> find(ConfigurableListableBeanFactory beanFactory) {
		List<String> names = new ArrayList<>();
		for (String name : beanFactory.getBeanNamesForType(DataSource.class, true, false)) {
			if (!name.startsWith("replicaRouter") && isDefaultCandidate(beanFactory, name)
					&& !beanFactory.isTypeMatch(name, ReplicaRoutingDataSource.class)) {
				names.add(name);
			}
		}
		return names;
	}

	private static boolean isDefaultCandidate(ConfigurableListableBeanFactory beanFactory, String name) {
		try {
			BeanDefinition definition = beanFactory.getBeanDefinition(name);
			return definition.isAutowireCandidate()
					&& (!(definition instanceof AbstractBeanDefinition abstractDefinition)
							|| abstractDefinition.isDefaultCandidate());
		}
		catch (NoSuchBeanDefinitionException ex) {
			// registered as a singleton instance
			return true;
		}
	}

	private abstract static class CountCondition extends SpringBootCondition implements ConfigurationCondition {

		@Override
		public ConfigurationPhase getConfigurationPhase() {
			return ConfigurationPhase.REGISTER_BEAN;
		}

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
			Assert.state(beanFactory != null, "No bean factory");
			return outcome(find(beanFactory), ConditionMessage.forCondition(getClass().getSimpleName()));
		}

		abstract ConditionOutcome outcome(List<String> names, ConditionMessage.Builder message);

	}

	/**
	 * Matches when the application defines at most one DataSource bean; warns when it
	 * defines more, since replicas are configured but nothing is routed.
	 */
	static final class AtMostOne extends CountCondition {

		@Override
		ConditionOutcome outcome(List<String> names, ConditionMessage.Builder message) {
			if (names.size() <= 1) {
				return ConditionOutcome.match(message.because(names.size() + " application DataSource bean(s)"));
			}
			logger.warn("replica-router is off: replica-router.replicas is set, but the application defines "
					+ names.size() + " DataSource beans that are default candidates " + names + ", so none of them "
					+ "is taken as the primary. Declare all but the primary's with @Bean(defaultCandidate = false) "
					+ "to route that one, or set replica-router.enabled=false.");
			return ConditionOutcome.noMatch(message.because("the application defines several DataSource beans "
					+ names + "; declare all but one with @Bean(defaultCandidate = false) to route that one"));
		}

	}

	/**
	 * Matches when the application defines no DataSource bean.
	 */
	static final class None extends CountCondition {

		@Override
		ConditionOutcome outcome(List<String> names, ConditionMessage.Builder message) {
			return names.isEmpty() ? ConditionOutcome.match(message.because("no application DataSource bean"))
					: ConditionOutcome.noMatch(message.because("found application DataSource bean(s) " + names));
		}

	}

	/**
	 * Matches when the application defines exactly one DataSource bean.
	 */
	static final class One extends CountCondition {

		@Override
		ConditionOutcome outcome(List<String> names, ConditionMessage.Builder message) {
			return (names.size() == 1)
					? ConditionOutcome.match(message.because("application DataSource bean " + names.get(0)))
					: ConditionOutcome.noMatch(message.because("application DataSource beans " + names));
		}

	}

	/**
	 * Makes the application's single DataSource bean the primary: no longer a default
	 * candidate nor {@code @Primary} (the routing DataSource takes its place for injection
	 * by type), reachable as {@value #PRIMARY}, and described by a {@link PrimarySource}
	 * read from the bean itself.
	 */
	static final class Registrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware {

		private @Nullable BeanFactory beanFactory;

		@Override
		public void setBeanFactory(BeanFactory beanFactory) {
			this.beanFactory = beanFactory;
		}

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			ConfigurableListableBeanFactory beanFactory = (ConfigurableListableBeanFactory) this.beanFactory;
			List<String> names = find(beanFactory);
			if (names.size() != 1 || registry.containsBeanDefinition(PRIMARY) || registry.isAlias(PRIMARY)) {
				return;
			}
			String name = names.get(0);
			if (registry.containsBeanDefinition(name)) {
				BeanDefinition definition = registry.getBeanDefinition(name);
				definition.setPrimary(false);
				if (definition instanceof AbstractBeanDefinition abstractDefinition) {
					abstractDefinition.setDefaultCandidate(false);
				}
			}
			registry.registerAlias(name, PRIMARY);
			if (!registry.containsBeanDefinition(PrimarySource.BEAN)) {
				registry.registerBeanDefinition(PrimarySource.BEAN, new RootBeanDefinition(PrimarySource.class,
						() -> PrimarySource.ofApplicationBean(name, beanFactory.getBean(name, DataSource.class))));
			}
			logger.info("replica-router routes with the application's DataSource bean '" + name
					+ "' as the primary: injecting a DataSource by type now gives the routing DataSource "
					+ "'replicaRouterDataSource'; inject '" + name + "' by name for the primary alone.");
		}

	}

}
