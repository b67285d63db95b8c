package io.replicarouter.autoconfigure;

import java.util.List;

import com.zaxxer.hikari.HikariDataSource;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers one pool bean per entry of {@code replica-router.replicas}, named
 * {@code replicaRouterReplica<i>DataSource} after its 0-based position in the list, as a
 * {@code HikariDataSource} that is not a default candidate (like Boot's how-to for
 * additional DataSources): Boot's pool metrics, DataSource post-processors and wrappers
 * see it, but injecting a {@code DataSource} by type still gives the routing DataSource.
 * A bean the application already defines under that name is kept.
 * <p>
 * Each {@link ReplicaConnectionDetails} bean (a Testcontainers or Docker Compose service
 * connection) is one more replica after the configured ones: its pool bean continues the
 * numbering ({@link ServiceReplica}).
 */
class ReplicaPoolsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, BeanFactoryAware {

	static final String NODE_POOLS = "replicaRouterNodePools";

	private Binder binder = Binder.get(new org.springframework.core.env.StandardEnvironment());

	private @Nullable BeanFactory beanFactory;

	@Override
	public void setEnvironment(Environment environment) {
		this.binder = Binder.get(environment);
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = beanFactory;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		int replicas = this.binder
			.bind(ReplicaRouterProperties.PREFIX + ".replicas", Bindable.listOf(ReplicaRouterProperties.Replica.class))
			.map(List::size)
			.orElse(0);
		for (int index = 0; index < replicas; index++) {
			String name = beanName(index);
			if (!registry.containsBeanDefinition(name)) {
				registry.registerBeanDefinition(name, definition("replica", index));
			}
		}
		if (this.beanFactory instanceof ListableBeanFactory listableBeanFactory) {
			String[] services = ServiceReplica.beanNames(listableBeanFactory);
			for (int position = 0; position < services.length; position++) {
				String name = beanName(replicas + position);
				if (!registry.containsBeanDefinition(name)) {
					RootBeanDefinition definition = definition("serviceReplica", replicas + position);
					definition.getConstructorArgumentValues()
						.addIndexedArgumentValue(1, new RuntimeBeanReference(services[position]));
					registry.registerBeanDefinition(name, definition);
				}
			}
		}
	}

	private static RootBeanDefinition definition(String factoryMethod, int index) {
		RootBeanDefinition definition = new RootBeanDefinition();
		definition.setTargetType(HikariDataSource.class);
		definition.setFactoryBeanName(NODE_POOLS);
		definition.setFactoryMethodName(factoryMethod);
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, index);
		definition.setDefaultCandidate(false);
		definition.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
		definition.setRole(BeanDefinition.ROLE_SUPPORT);
		return definition;
	}

	/**
	 * The name of a replica's pool bean.
	 * @param index the replica's 0-based position in {@code replica-router.replicas}, or
	 * after them for a replica of a {@link ReplicaConnectionDetails} bean
	 * @return {@code replicaRouterReplica<index>DataSource}
	 */
	static String beanName(int index) {
		return "replicaRouterReplica" + index + "DataSource";
	}

}
