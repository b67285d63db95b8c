package io.replicarouter.routing;

import java.lang.reflect.Method;

import io.replicarouter.PrimaryRead;

import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;

/**
 * Matches methods annotated with {@link PrimaryRead}, directly, through a meta-annotation,
 * on the declaring class, or on an interface or superclass (so Spring Data repository
 * interfaces can be annotated).
 */
public final class PrimaryReadPointcut extends StaticMethodMatcherPointcut {

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		return isAnnotated(specific) || (specific != method && isAnnotated(method))
				|| isAnnotated(targetClass) || isAnnotated(method.getDeclaringClass());
	}

	private static boolean isAnnotated(Method method) {
		return MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY).isPresent(PrimaryRead.class);
	}

	private static boolean isAnnotated(Class<?> type) {
		return MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).isPresent(PrimaryRead.class);
	}

}
