package io.replicarouter.cache;

import java.lang.reflect.Method;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;

import io.replicarouter.routing.ReadFrame;
import io.replicarouter.routing.ReadPositions;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.cache.annotation.AnnotationCacheOperationSource;
import org.springframework.cache.interceptor.CacheOperation;
import org.springframework.cache.interceptor.CacheOperationSource;
import org.springframework.cache.interceptor.CacheableOperation;
import org.springframework.core.Ordered;

/**
 * Gives each invocation of a {@code @Cacheable} method its own {@link ReadFrame}, open for
 * exactly the invocation: outside Spring's cache and transaction interceptors, so the put
 * Spring makes on a miss sees what this invocation (and the cached methods it called)
 * read, and nothing else. Methods returning a {@code CompletableFuture} or a reactive type
 * read elsewhere: their frame reports an unknown position.
 */
public class CachedInvocationAdvisor extends AbstractPointcutAdvisor {

	private final CacheOperationSource operations = new AnnotationCacheOperationSource();

	private final Pointcut pointcut = new StaticMethodMatcherPointcut() {

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			Collection<CacheOperation> found = CachedInvocationAdvisor.this.operations.getCacheOperations(method,
					targetClass);
			return found != null && found.stream().anyMatch(CacheableOperation.class::isInstance);
		}

	};

	private final MethodInterceptor interceptor = (invocation) -> {
		try (ReadFrame frame = ReadPositions.open(isAsynchronous(invocation.getMethod().getReturnType()))) {
			return invocation.proceed();
		}
	};

	/**
	 * Create the advisor, first of all advice around a method.
	 */
	public CachedInvocationAdvisor() {
		setOrder(Ordered.HIGHEST_PRECEDENCE);
	}

	private static boolean isAsynchronous(Class<?> returnType) {
		return CompletableFuture.class.isAssignableFrom(returnType)
				|| returnType.getName().startsWith("reactor.core.publisher.")
				|| returnType.getName().equals("org.reactivestreams.Publisher")
				|| returnType.getName().startsWith("kotlinx.coroutines.");
	}

	@Override
	public Pointcut getPointcut() {
		return this.pointcut;
	}

	@Override
	public Advice getAdvice() {
		return this.interceptor;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return this == other;
	}

	@Override
	public int hashCode() {
		return System.identityHashCode(this);
	}

}
