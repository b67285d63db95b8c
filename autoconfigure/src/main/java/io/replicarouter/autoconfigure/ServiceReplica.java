package io.replicarouter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.util.StringUtils;

/**
 * A replica declared by a {@link ReplicaConnectionDetails} bean rather than by
 * {@code replica-router.replicas}. Such replicas come after the configured ones, in the
 * order their beans were registered: the one at {@code index} (counted over all replicas)
 * has the pool bean {@code replicaRouterReplica<index>DataSource}.
 *
 * @param beanName the name of the connection details bean
 * @param index the replica's 0-based position among all replicas
 * @param details the connection details
 */
record ServiceReplica(String beanName, int index, ReplicaConnectionDetails details) {

	/**
	 * The names of the connection details beans, in registration order. Only bean
	 * definitions are read: nothing is created, so that this works while bean definitions
	 * are still being registered.
	 * @param beanFactory the bean factory
	 * @return the bean names
	 */
	static String[] beanNames(ListableBeanFactory beanFactory) {
		return beanFactory.getBeanNamesForType(ReplicaConnectionDetails.class, true, false);
	}

	/**
	 * The replicas of every connection details bean.
	 * @param beanFactory the bean factory
	 * @param configured how many replicas {@code replica-router.replicas} configures
	 * @return the replicas, in order
	 */
	static List<ServiceReplica> find(ListableBeanFactory beanFactory, int configured) {
		List<ServiceReplica> replicas = new ArrayList<>();
		String[] names = beanNames(beanFactory);
		for (int position = 0; position < names.length; position++) {
			replicas.add(new ServiceReplica(names[position], configured + position,
					beanFactory.getBean(names[position], ReplicaConnectionDetails.class)));
		}
		return replicas;
	}

	/**
	 * The replica's own name: the one of its connection details, else its 1-based position
	 * among all replicas.
	 * @return the name
	 */
	String name() {
		return name(this.details, this.index);
	}

	/**
	 * The name of the replica's node and pool.
	 * @return {@code replica-<name>}
	 */
	String nodeName() {
		return nodeName(this.details, this.index);
	}

	/**
	 * The name of the node and pool of the replica of the given connection details.
	 * @param details the connection details
	 * @param index the replica's 0-based position among all replicas
	 * @return {@code replica-<name>}
	 */
	static String nodeName(ReplicaConnectionDetails details, int index) {
		return "replica-" + name(details, index);
	}

	private static String name(ReplicaConnectionDetails details, int index) {
		String name = details.getName();
		return StringUtils.hasText(name) ? name.trim() : String.valueOf(index + 1);
	}

	/**
	 * How messages name the replica.
	 * @return the connection details bean, by name
	 */
	String description() {
		return "ReplicaConnectionDetails bean '" + this.beanName + "'";
	}

	@Override
	public String toString() {
		// Never the password, nor a URL that may carry one.
		return "ServiceReplica[bean=" + this.beanName + ", index=" + this.index + "]";
	}

}
