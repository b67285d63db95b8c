package io.replicarouter.routing;

import java.util.Optional;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;

/**
 * Sends the reads of a {@link io.replicarouter.ReplicaRead} method to its replica group,
 * with its staleness bound, while it runs ({@link ReplicaReads}).
 */
public final class ReplicaReadInterceptor implements MethodInterceptor {

	private final ReplicaReadAttributes attributes;

	/**
	 * Create an interceptor that reads the bounds the given pointcut matched.
	 * @param pointcut the pointcut
	 */
	public ReplicaReadInterceptor(ReplicaReadPointcut pointcut) {
		this.attributes = pointcut.attributes();
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		Object target = invocation.getThis();
		Class<?> targetClass = (target != null) ? AopUtils.getTargetClass(target)
				: invocation.getMethod().getDeclaringClass();
		Optional<ReplicaReads.Preference> preference = this.attributes.preference(invocation.getMethod(), targetClass);
		if (preference.isEmpty()) {
			return invocation.proceed();
		}
		ReplicaReads.Preference previous = ReplicaReads.enter(preference.get());
		try {
			return invocation.proceed();
		}
		finally {
			ReplicaReads.exit(previous);
		}
	}

}
