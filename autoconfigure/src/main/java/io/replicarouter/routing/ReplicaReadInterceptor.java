package io.replicarouter.routing;

import java.time.Duration;
import java.util.Optional;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;

/**
 * Bounds the staleness of the reads of a {@link io.replicarouter.ReplicaRead} method while
 * it runs ({@link ReplicaReads}).
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
		Optional<Duration> bound = this.attributes.maxLag(invocation.getMethod(), targetClass);
		if (bound.isEmpty()) {
			return invocation.proceed();
		}
		Duration previous = ReplicaReads.enter(bound.get());
		try {
			return invocation.proceed();
		}
		finally {
			ReplicaReads.exit(previous);
		}
	}

}
