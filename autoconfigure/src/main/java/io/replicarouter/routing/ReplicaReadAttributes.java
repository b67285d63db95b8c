package io.replicarouter.routing;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.replicarouter.ReplicaRead;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Finds whether a {@link ReplicaRead} applies to a method, and the staleness bound it
 * sets, once per method: the first bound declared on the method (the implementation's,
 * then the interface's) or else on its class, so that the innermost declaration wins and
 * an annotation without a bound of its own takes its class's. A bound that cannot be read is an
 * {@link IllegalStateException} naming the method and the fix.
 */
final class ReplicaReadAttributes {

	private final Map<MethodClassKey, Optional<Duration>> bounds = new ConcurrentHashMap<>();

	/**
	 * Return whether a {@link ReplicaRead} applies to the method.
	 * @param method the method
	 * @param targetClass the class it is called on
	 * @return whether one applies
	 * @throws IllegalStateException if its bound cannot be read
	 */
	boolean applies(Method method, Class<?> targetClass) {
		boolean applies = false;
		for (MergedAnnotation<ReplicaRead> annotation : declared(method, targetClass)) {
			if (annotation.isPresent()) {
				parse(annotation.getString("maxLag"), method, targetClass);
				applies = true;
			}
		}
		return applies;
	}

	/**
	 * Return the bound a {@link ReplicaRead} sets for the method: the first one declared, on
	 * the method before its class.
	 * @param method the method
	 * @param targetClass the class it is called on
	 * @return the bound, empty when none applies or it leaves replica-router.max-lag
	 * @throws IllegalStateException if the bound cannot be read
	 */
	Optional<Duration> maxLag(Method method, Class<?> targetClass) {
		return this.bounds.computeIfAbsent(new MethodClassKey(method, targetClass), (key) -> {
			for (MergedAnnotation<ReplicaRead> annotation : declared(method, targetClass)) {
				if (annotation.isPresent() && StringUtils.hasText(annotation.getString("maxLag"))) {
					return parse(annotation.getString("maxLag"), method, targetClass);
				}
			}
			return Optional.empty();
		});
	}

	/**
	 * Where a {@link ReplicaRead} may be declared for a method, innermost first: the
	 * implementation's method, the interface's, the target class, the declaring class.
	 */
	private static List<MergedAnnotation<ReplicaRead>> declared(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		return List.of(onMethod(specific), (specific != method) ? onMethod(method) : MergedAnnotation.missing(),
				onType(targetClass), onType(method.getDeclaringClass()));
	}

	private static Optional<Duration> parse(String maxLag, Method method, Class<?> targetClass) {
		if (!StringUtils.hasText(maxLag)) {
			return Optional.empty();
		}
		Duration bound;
		try {
			bound = DurationStyle.detectAndParse(maxLag.strip());
		}
		catch (IllegalArgumentException ex) {
			throw invalid(maxLag, method, targetClass, "it is no duration");
		}
		if (bound.isNegative()) {
			throw invalid(maxLag, method, targetClass, "it is negative");
		}
		return Optional.of(bound);
	}

	private static IllegalStateException invalid(String maxLag, Method method, Class<?> targetClass, String why) {
		return new IllegalStateException("@ReplicaRead(maxLag = \"" + maxLag + "\") on "
				+ ClassUtils.getQualifiedMethodName(method, targetClass) + " is invalid: " + why
				+ ". Set a duration of zero or more, such as \"500ms\", \"1s\" or \"30s\", or leave maxLag out"
				+ " for replica-router.max-lag.");
	}

	private static MergedAnnotation<ReplicaRead> onMethod(Method method) {
		return MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY).get(ReplicaRead.class);
	}

	private static MergedAnnotation<ReplicaRead> onType(Class<?> type) {
		return MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).get(ReplicaRead.class);
	}

}
