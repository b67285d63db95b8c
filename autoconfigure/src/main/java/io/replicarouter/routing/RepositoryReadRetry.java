package io.replicarouter.routing;

import java.util.List;
import java.util.function.Function;

import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.data.repository.core.support.RepositoryFactoryBeanSupport;
import org.springframework.transaction.interceptor.TransactionAttributeSource;
import org.springframework.transaction.interceptor.TransactionInterceptor;

/**
 * Gives Spring Data repositories the same protection as application beans: a read-only
 * repository method called outside any transaction (the repository base classes are
 * {@code @Transactional(readOnly = true)}, so it starts its own) runs again on another node
 * when its replica goes away under it.
 * <p>
 * Repository proxies are built by their factories, not by the application context's
 * auto-proxying, so the advisor that covers application beans never reaches them. This
 * post-processor customizes each repository factory to put a
 * {@link ReadOnlyTransactionRetryInterceptor} (and, when enabled, a
 * {@link WriteTransactionRetryInterceptor}) just outside the repository's transaction
 * interceptor, reading transaction settings from that interceptor's own source (so
 * derived query methods count as read-only exactly when Spring Data runs them so).
 */
public final class RepositoryReadRetry implements BeanPostProcessor {

	private final Function<TransactionAttributeSource, List<MethodInterceptor>> interceptors;

	/**
	 * Create a post-processor.
	 * @param interceptors creates the retry interceptors for a repository, outermost first,
	 * given the transaction attribute source of its transaction interceptor
	 */
	public RepositoryReadRetry(Function<TransactionAttributeSource, List<MethodInterceptor>> interceptors) {
		this.interceptors = interceptors;
	}

	@Override
	public Object postProcessBeforeInitialization(Object bean, String beanName) {
		if (bean instanceof RepositoryFactoryBeanSupport<?, ?, ?> factoryBean) {
			factoryBean.addRepositoryFactoryCustomizer((factory) -> factory
				.addRepositoryProxyPostProcessor((proxy, information) -> addRetry(proxy)));
		}
		return bean;
	}

	private void addRetry(ProxyFactory proxy) {
		Advisor[] advisors = proxy.getAdvisors();
		for (int i = 0; i < advisors.length; i++) {
			Advice advice = advisors[i].getAdvice();
			if (advice instanceof TransactionInterceptor transactions
					&& transactions.getTransactionAttributeSource() != null) {
				// Outside the transaction interceptor: each attempt must be a new transaction.
				List<MethodInterceptor> retries = this.interceptors.apply(transactions.getTransactionAttributeSource());
				for (int j = 0; j < retries.size(); j++) {
					proxy.addAdvice(i + j, retries.get(j));
				}
				return;
			}
		}
		// No transaction interceptor: the repository starts no transaction of its own.
	}

}
