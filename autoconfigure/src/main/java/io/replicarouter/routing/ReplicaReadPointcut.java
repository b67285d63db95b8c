package io.replicarouter.routing;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Matches methods that {@link io.replicarouter.ReplicaRead} applies to, on the method, its
 * class, an interface or as a meta-annotation. Matching runs when beans are proxied, at
 * startup: a bound that cannot be read, or a group no replica is in, fails the startup
 * there, naming the method.
 */
public final class ReplicaReadPointcut extends StaticMethodMatcherPointcut {

	private final ReplicaReadAttributes attributes;

	/**
	 * Create a pointcut that does not check group names.
	 */
	public ReplicaReadPointcut() {
		this(() -> null);
	}

	/**
	 * Create a pointcut that checks group names against the groups replicas are in.
	 * @param groups the groups, or {@code null} (from the supplier) not to check
	 */
	public ReplicaReadPointcut(Supplier<@Nullable Set<String>> groups) {
		this(new ReplicaReadAttributes(groups));
	}

	ReplicaReadPointcut(ReplicaReadAttributes attributes) {
		this.attributes = attributes;
	}

	ReplicaReadAttributes attributes() {
		return this.attributes;
	}

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		return this.attributes.applies(method, targetClass);
	}

}
