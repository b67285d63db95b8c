package io.replicarouter.autoconfigure;

import java.util.List;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.config.BeanDefinition;
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
 */
class ReplicaPoolsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

	static final String NODE_POOLS = "replicaRouterNodePools";

	private Binder binder = Binder.get(new org.springframework.core.env.StandardEnvironment());

	@Override
	public void setEnvironment(Environment environment) {
		this.binder = Binder.get(environment);
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
				registry.registerBeanDefinition(name, definition(index));
			}
		}
	}

	private static RootBeanDefinition definition(int index) {
		RootBeanDefinition definition = new RootBeanDefinition();
		definition.setTargetType(HikariDataSource.class);
		definition.setFactoryBeanName(NODE_POOLS);
		definition.setFactoryMethodName("replica");
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, index);
		definition.setDefaultCandidate(false);
		definition.setDestroyMethodName(AbstractBeanDefinition.INFER_METHOD);
		definition.setRole(BeanDefinition.ROLE_SUPPORT);
		return definition;
	}

	/**
	 * The name of a replica's pool bean.
	 * @param index the replica's 0-based position in {@code replica-router.replicas}
	 * @return {@code replicaRouterReplica<index>DataSource}
	 */
	static String beanName(int index) {
		return "replicaRouterReplica" + index + "DataSource";
	}

}
