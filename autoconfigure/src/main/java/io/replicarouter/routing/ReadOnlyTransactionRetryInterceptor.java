package io.replicarouter.routing;

import java.lang.reflect.Method;
import java.util.List;

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
 * Runs a {@code @Transactional(readOnly = true)} method again when its transaction failed
 * because the replica it ran on went away (connection lost, server shut down or crashed)
 * or cancelled it for a hot-standby conflict. The failed replica is reported to the
 * {@link RoutingTopology}, so the next attempt goes to another replica or the primary. A
 * statement the server cancelled ({@code statement_timeout}, SQLSTATE 57014) is not a node
 * failure: such a method is not run again. A pool that was only busy is not reported.
 * <p>
 * Safe because the transaction was read-only: it changed nothing in the database. Only a
 * method that starts its own transaction is re-run, never one that joined an outer
 * transaction (the outer one has to fail). Side effects outside the database, if the
 * method has any, happen again.
 */
public final class ReadOnlyTransactionRetryInterceptor implements MethodInterceptor {

	private static final Log logger = LogFactory.getLog(ReadOnlyTransactionRetryInterceptor.class);

	private final TransactionAttributeSource transactionAttributes;

	private final RoutingTopology topology;

	private final int maxAttempts;

	private final Runnable onRetry;

	/**
	 * Create an interceptor.
	 * @param transactionAttributes where the transaction settings of methods come from
	 * @param topology where failed replicas are reported
	 * @param maxAttempts how many times a method runs at most, at least 1
	 * @param onRetry called before each new attempt, for example to count it
	 */
	public ReadOnlyTransactionRetryInterceptor(TransactionAttributeSource transactionAttributes,
			RoutingTopology topology, int maxAttempts, Runnable onRetry) {
		this.transactionAttributes = transactionAttributes;
		this.topology = topology;
		this.maxAttempts = Math.max(1, maxAttempts);
		this.onRetry = onRetry;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		if (this.maxAttempts == 1 || !startsOwnReadOnlyTransaction(invocation)
				|| !(invocation instanceof ProxyMethodInvocation proxyInvocation)) {
			return invocation.proceed();
		}
		RoutingThreadState state = RoutingThreadState.current();
		boolean verifyPrimary = state.verifyPrimary;
		try {
			return invokeWithRetries(invocation, proxyInvocation, state);
		}
		finally {
			state.verifyPrimary = verifyPrimary;
		}
	}

	private @Nullable Object invokeWithRetries(MethodInvocation invocation, ProxyMethodInvocation proxyInvocation,
			RoutingThreadState state) throws Throwable {
		for (int attempt = 1;; attempt++) {
			RoutingTrace trace = RoutingTrace.start(attempt);
			try {
				// Each attempt proceeds on a fresh copy of the untouched invocation: a copy made
				// after proceeding would skip the interceptors after this one, the transaction
				// interceptor among them, and run the method outside any transaction.
				return proxyInvocation.invocableClone().proceed();
			}
			catch (Throwable ex) {
				List<DataSourceNode> replicas = replicasUsed(trace);
				// A connection that broke under the transaction counts even when the error
				// no longer says so (Hibernate may swallow it and leave only a transaction
				// marked rollback-only).
				// A statement the server cancelled (statement_timeout, 57014) failed on its own
				// account: it would fail the same way anywhere, and the replica is fine.
				boolean nodeFailure = (ConnectionFailures.isNodeFailure(ex) || trace.lostConnection())
						&& !ConnectionFailures.isStatementCancelled(ex);
				// A read sent to the primary for read-your-writes or as a fallback may find a
				// replica when it runs again; one pinned to the primary would only fail again.
				boolean mayRunElsewhere = !replicas.isEmpty() || (nodeFailure && trace.usedPrimaryInsteadOfReplica());
				if (attempt >= this.maxAttempts || !mayRunElsewhere
						|| !(nodeFailure || ConnectionFailures.isRecoveryConflict(ex))) {
					if (logger.isDebugEnabled()) {
						logger.debug("Not running " + invocation.getMethod().getName() + " again: attempt " + attempt
								+ " of " + this.maxAttempts + ", replicas used " + replicas + ", node failure "
								+ nodeFailure + ": " + ConnectionFailures.describe(ex));
					}
					throw ex;
				}
				if (nodeFailure) {
					if (!ConnectionFailures.isPoolBusy(ex)) {
						// A pool that was only busy is no reason to take its replica out of rotation.
						replicas.forEach((replica) -> this.topology.reportFailure(replica, ex));
					}
					if (trace.nodes().stream().anyMatch((node) -> node.role() == NodeRole.PRIMARY)) {
						// Its other pooled connections are likely dead too: check before use.
						state.verifyPrimary = true;
					}
				}
				this.onRetry.run();
				logger.warn("Read-only transaction of " + invocation.getMethod().toGenericString() + " failed on "
						+ (replicas.isEmpty() ? "the primary" : replicas.stream().map(DataSourceNode::name).toList())
						+ " (" + ex.getMessage()
						+ "); running it again (attempt " + (attempt + 1) + " of " + this.maxAttempts + ")");
			}
			finally {
				trace.end();
			}
		}
	}

	private boolean startsOwnReadOnlyTransaction(MethodInvocation invocation) {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target) : null;
		Method method = invocation.getMethod();
		TransactionAttribute attribute = this.transactionAttributes.getTransactionAttribute(method, targetClass);
		if (attribute == null || !attribute.isReadOnly()) {
			return false;
		}
		int propagation = attribute.getPropagationBehavior();
		return propagation == TransactionDefinition.PROPAGATION_REQUIRES_NEW
				|| propagation == TransactionDefinition.PROPAGATION_NOT_SUPPORTED
				|| !TransactionSynchronizationManager.isActualTransactionActive();
	}

	private static List<DataSourceNode> replicasUsed(RoutingTrace trace) {
		return trace.nodes().stream().filter((node) -> node.role() == NodeRole.REPLICA).distinct().toList();
	}

}
