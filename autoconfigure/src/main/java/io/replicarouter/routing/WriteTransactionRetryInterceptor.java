package io.replicarouter.routing;

import java.lang.reflect.Method;
import java.time.Duration;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.interceptor.TransactionAttribute;
import org.springframework.transaction.interceptor.TransactionAttributeSource;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Runs a read-write {@code @Transactional} method again when its transaction could not get
 * the primary: the primary was known to be down, or could not be reached, so the
 * transaction failed with a {@link PrimaryUnavailableException} before any statement was
 * sent. Before each new attempt it waits, at most {@code maxWait}, for the primary to be
 * back.
 * <p>
 * What is run again, and what is not:
 * <ul>
 * <li>only a method that starts its own transaction, never one that joined an outer
 * transaction (the outer one has to fail);</li>
 * <li>only when the attempt wrote nothing: if any work of the attempt got a connection of
 * the primary for writing (an inner {@code REQUIRES_NEW} transaction that committed, an
 * earlier statement), the method is not run again, whatever failed after;</li>
 * <li>never after a statement reached the primary: a failure during a statement or at
 * commit may have been applied, and is the caller's to handle;</li>
 * <li>side effects outside the database that the method caused before its first statement
 * (a message sent, a service called) happen again.</li>
 * </ul>
 */
public final class WriteTransactionRetryInterceptor implements MethodInterceptor {

	private static final Log logger = LogFactory.getLog(WriteTransactionRetryInterceptor.class);

	private static final long POLL_MILLIS = 50;

	private final TransactionAttributeSource transactionAttributes;

	private final RoutingTopology topology;

	private final int maxAttempts;

	private final Duration maxWait;

	private final Runnable onRetry;

	/**
	 * Create an interceptor.
	 * @param transactionAttributes where the transaction settings of methods come from
	 * @param topology tells when the primary is back
	 * @param maxAttempts how many times a method runs at most, at least 1
	 * @param maxWait how long to wait for the primary before each new attempt
	 * @param onRetry called before each new attempt, for example to count it
	 */
	public WriteTransactionRetryInterceptor(TransactionAttributeSource transactionAttributes,
			RoutingTopology topology, int maxAttempts, Duration maxWait, Runnable onRetry) {
		this.transactionAttributes = transactionAttributes;
		this.topology = topology;
		this.maxAttempts = Math.max(1, maxAttempts);
		this.maxWait = maxWait;
		this.onRetry = onRetry;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		if (this.maxAttempts == 1 || !startsOwnReadWriteTransaction(invocation)
				|| !(invocation instanceof ProxyMethodInvocation proxyInvocation)) {
			return invocation.proceed();
		}
		for (int attempt = 1;; attempt++) {
			RoutingTrace trace = RoutingTrace.start(attempt);
			try {
				// A fresh copy of the untouched invocation, so that the transaction interceptor
				// after this one runs again: each attempt is a new transaction.
				return proxyInvocation.invocableClone().proceed();
			}
			catch (Throwable ex) {
				boolean nothingSent = isPrimaryUnavailable(ex) && !trace.boundForWriting();
				if (attempt >= this.maxAttempts || !nothingSent || !awaitPrimary()) {
					throw ex;
				}
				this.onRetry.run();
				logger.warn("Read-write transaction of " + invocation.getMethod().toGenericString()
						+ " could not get the primary (" + ex.getMessage() + "); nothing was sent, and the primary is "
						+ "back: running it again (attempt " + (attempt + 1) + " of " + this.maxAttempts + ")");
			}
			finally {
				trace.end();
			}
		}
	}

	/**
	 * Wait until the topology says the primary takes writes again.
	 * @return whether it does within the wait
	 */
	private boolean awaitPrimary() throws InterruptedException {
		long deadline = System.nanoTime() + this.maxWait.toNanos();
		while (this.topology.primaryOutage() != null || this.topology.primaryUnavailableReason() != null) {
			if (deadline - System.nanoTime() <= 0) {
				return false;
			}
			Thread.sleep(POLL_MILLIS);
		}
		return true;
	}

	private static boolean isPrimaryUnavailable(Throwable failure) {
		for (Throwable ex = failure; ex != null; ex = (ex.getCause() != ex) ? ex.getCause() : null) {
			if (ex instanceof PrimaryUnavailableException) {
				return true;
			}
		}
		return false;
	}

	private boolean startsOwnReadWriteTransaction(MethodInvocation invocation) {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : null;
		Method method = invocation.getMethod();
		TransactionAttribute attribute = this.transactionAttributes.getTransactionAttribute(method, targetClass);
		if (attribute == null || attribute.isReadOnly()) {
			return false;
		}
		int propagation = attribute.getPropagationBehavior();
		if (propagation == TransactionDefinition.PROPAGATION_REQUIRES_NEW) {
			return true;
		}
		return (propagation == TransactionDefinition.PROPAGATION_REQUIRED
				|| propagation == TransactionDefinition.PROPAGATION_NESTED)
				&& !TransactionSynchronizationManager.isActualTransactionActive();
	}

}
