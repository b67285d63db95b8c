package io.replicarouter.routing;

import java.lang.reflect.Method;

import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.transaction.interceptor.TransactionAttribute;
import org.springframework.transaction.interceptor.TransactionAttributeSource;

/**
 * Matches methods whose transaction settings say read-write, as Spring's own transaction
 * advice reads them.
 */
public final class ReadWriteTransactionPointcut extends StaticMethodMatcherPointcut {

	private final TransactionAttributeSource transactionAttributes;

	/**
	 * Create a pointcut.
	 * @param transactionAttributes where the transaction settings of methods come from
	 */
	public ReadWriteTransactionPointcut(TransactionAttributeSource transactionAttributes) {
		this.transactionAttributes = transactionAttributes;
	}

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		TransactionAttribute attribute = this.transactionAttributes.getTransactionAttribute(method, targetClass);
		return attribute != null && !attribute.isReadOnly();
	}

}
