package io.replicarouter.routing;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * Pins the primary for the duration of a {@link io.replicarouter.PrimaryRead} method.
 */
public final class PrimaryReadInterceptor implements MethodInterceptor {

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		boolean outermost = PrimaryReads.enter();
		try {
			return invocation.proceed();
		}
		finally {
			PrimaryReads.exit(outermost);
		}
	}

}
