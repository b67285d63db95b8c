package io.replicarouter.autoconfigure;

import java.time.Clock;
import java.util.Objects;
import java.util.Properties;

import javax.net.ssl.SSLContext;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.topology.LeaderDataSource;
import io.replicarouter.topology.patroni.PatroniClient;
import io.replicarouter.topology.patroni.PatroniTopologySource;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * The topology of a Patroni cluster ({@code replica-router.patroni.urls}): a
 * {@link PatroniTopologySource} adds and retires the replicas, and the primary's pool
 * connects to the leader through a {@link LeaderDataSource}.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(OnPatroniCondition.Configured.class)
class PatroniConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PatroniClient replicaRouterPatroniClient(ReplicaRouterSettings settings, ObjectProvider<SslBundles> sslBundles) {
		PatroniProperties patroni = settings.patroni();
		return new PatroniClient(patroni.getUrls(), patroni.getTimeout(), patroni.getUsername(), patroni.getPassword(),
				sslContext(patroni, sslBundles));
	}

	private static @Nullable SSLContext sslContext(PatroniProperties patroni, ObjectProvider<SslBundles> sslBundles) {
		String bundle = patroni.getSsl().getBundle();
		if (bundle == null || bundle.isBlank()) {
			return null;
		}
		SslBundles bundles = sslBundles.getIfAvailable();
		if (bundles == null) {
			throw new InvalidReplicaRouterConfigurationException(PatroniProperties.PREFIX + ".ssl.bundle",
					"it names '" + bundle + "' but no SSL bundles are configured",
					"Define the bundle under spring.ssl.bundle.jks." + bundle + " or spring.ssl.bundle.pem." + bundle + ".");
		}
		try {
			return bundles.getBundle(bundle).createSslContext();
		}
		catch (org.springframework.boot.ssl.NoSuchSslBundleException ex) {
			throw new InvalidReplicaRouterConfigurationException(PatroniProperties.PREFIX + ".ssl.bundle",
					"no SSL bundle is named '" + bundle + "'", "Define it under spring.ssl.bundle.jks." + bundle
							+ " or spring.ssl.bundle.pem." + bundle + ", or name a bundle that exists.");
		}
	}

	@Bean
	@ConditionalOnMissingBean
	PatroniTopologySource replicaRouterPatroniTopology(PatroniClient client, NodePools pools,
			ReplicaRouterSettings settings) {
		PatroniProperties patroni = settings.patroni();
		String baseUrl = Objects.requireNonNull(settings.primary().url(),
				"spring.datasource.url or the application's DataSource URL");
		return new PatroniTopologySource(client, pools::member, baseUrl, patroni.getPollInterval(),
				patroni.getRetireTimeout(), Clock.systemUTC());
	}

	/**
	 * Runs last, so that the driver properties every other customizer set go with the
	 * primary's connections to whichever member leads.
	 */
	@Bean
	ReplicaRouterPoolCustomizer replicaRouterPatroniLeaderCustomizer() {
		return new LeaderCustomizer();
	}

	/**
	 * Wires the source and the monitor together: a primary that stops answering makes the
	 * source read the cluster at once, and a new leader is probed at once.
	 */
	@Bean
	static PatroniMonitorBinding replicaRouterPatroniMonitorBinding() {
		return new PatroniMonitorBinding();
	}

	static final class LeaderCustomizer implements ReplicaRouterPoolCustomizer, Ordered {

		@Override
		public void customize(String name, NodeRole role, HikariDataSource pool) {
			if (role != NodeRole.PRIMARY || pool.getJdbcUrl() == null || pool.getDataSource() != null) {
				return;
			}
			Properties properties = new Properties();
			properties.putAll(pool.getDataSourceProperties());
			pool.setDataSource(new LeaderDataSource(pool.getJdbcUrl(), properties));
			// Hikari would set them as bean properties of the DataSource: the driver gets them.
			pool.setDataSourceProperties(new Properties());
		}

		@Override
		public int getOrder() {
			return Ordered.LOWEST_PRECEDENCE;
		}

	}

	static final class PatroniMonitorBinding implements SmartInitializingSingleton, BeanFactoryAware {

		private @Nullable BeanFactory beanFactory;

		@Override
		public void setBeanFactory(BeanFactory beanFactory) {
			this.beanFactory = beanFactory;
		}

		@Override
		public void afterSingletonsInstantiated() {
			BeanFactory factory = Objects.requireNonNull(this.beanFactory);
			PatroniTopologySource source = factory.getBeanProvider(PatroniTopologySource.class).getIfAvailable();
			ReplicaHealthMonitor monitor = factory.getBeanProvider(ReplicaHealthMonitor.class).getIfAvailable();
			if (source == null || monitor == null) {
				return;
			}
			monitor.onNodeStoppedAnswering((node) -> {
				if (node.role() == NodeRole.PRIMARY) {
					source.refreshSoon();
				}
			});
			source.onLeaderChange(monitor::probeAll);
		}

	}

}
