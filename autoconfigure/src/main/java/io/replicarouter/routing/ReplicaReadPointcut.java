package io.replicarouter.routing;

import java.lang.reflect.Method;

import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Matches methods that {@link io.replicarouter.ReplicaRead} applies to, on the method, its
 * class, an interface or as a meta-annotation. Matching runs when beans are proxied, at
 * startup: a bound that cannot be read fails the startup there, naming the method.
 */
public final class ReplicaReadPointcut extends StaticMethodMatcherPointcut {

	private final ReplicaReadAttributes attributes;

	/**
	 * Create a pointcut.
	 */
	public ReplicaReadPointcut() {
		this(new ReplicaReadAttributes());
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
