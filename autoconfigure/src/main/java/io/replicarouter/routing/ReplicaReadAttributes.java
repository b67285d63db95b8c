package io.replicarouter.routing;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.replicarouter.ReplicaRead;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.MethodClassKey;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Finds whether a {@link ReplicaRead} applies to a method, and the group and staleness
 * bound it asks for, once per method: each attribute from the first declaration that sets
 * it, on the method (the implementation's, then the interface's) before its class, so that
 * the innermost declaration wins and an annotation that leaves one out takes its class's.
 * A bound that cannot be read, or a group no replica is in, is an
 * {@link IllegalStateException} naming the method and the fix.
 */
final class ReplicaReadAttributes {

	private final Map<MethodClassKey, Optional<ReplicaReads.Preference>> preferences = new ConcurrentHashMap<>();

	private final Supplier<@Nullable Set<String>> groups;

	/**
	 * Create attributes that check group names against the given groups.
	 * @param groups the groups replicas are in, or {@code null} (from the supplier) not to
	 * check
	 */
	ReplicaReadAttributes(Supplier<@Nullable Set<String>> groups) {
		this.groups = groups;
	}

	/**
	 * Return whether a {@link ReplicaRead} applies to the method.
	 * @param method the method
	 * @param targetClass the class it is called on
	 * @return whether one applies
	 * @throws IllegalStateException if its bound or group is invalid
	 */
	boolean applies(Method method, Class<?> targetClass) {
		return preference(method, targetClass).isPresent();
	}

	/**
	 * Return what a {@link ReplicaRead} asks for the method.
	 * @param method the method
	 * @param targetClass the class it is called on
	 * @return the group and bound, empty when no annotation applies
	 * @throws IllegalStateException if the bound or the group is invalid
	 */
	Optional<ReplicaReads.Preference> preference(Method method, Class<?> targetClass) {
		return this.preferences.computeIfAbsent(new MethodClassKey(method, targetClass), (key) -> {
			List<MergedAnnotation<ReplicaRead>> declared = declared(method, targetClass);
			if (declared.stream().noneMatch(MergedAnnotation::isPresent)) {
				return Optional.empty();
			}
			String group = first(declared, "group");
			String maxLag = first(declared, "maxLag");
			return Optional.of(new ReplicaReads.Preference(checkGroup(group, method, targetClass),
					parse(maxLag, method, targetClass)));
		});
	}

	private static @Nullable String first(List<MergedAnnotation<ReplicaRead>> declared, String attribute) {
		for (MergedAnnotation<ReplicaRead> annotation : declared) {
			if (annotation.isPresent() && StringUtils.hasText(annotation.getString(attribute))) {
				return annotation.getString(attribute).strip();
			}
		}
		return null;
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

	private @Nullable String checkGroup(@Nullable String group, Method method, Class<?> targetClass) {
		Set<String> known = this.groups.get();
		if (group != null && known != null && !known.contains(group)) {
			throw new IllegalStateException("@ReplicaRead(group = \"" + group + "\") on "
					+ ClassUtils.getQualifiedMethodName(method, targetClass) + " names a group no replica is in."
					+ " Put a replica in it (replica-router.replicas[i].group=" + group + "), or use one of the groups"
					+ " replicas are in: " + String.join(", ", new java.util.TreeSet<>(known)) + ".");
		}
		return group;
	}

	private static @Nullable Duration parse(@Nullable String maxLag, Method method, Class<?> targetClass) {
		if (maxLag == null) {
			return null;
		}
		Duration bound;
		try {
			bound = DurationStyle.detectAndParse(maxLag);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(maxLag, method, targetClass, "it is no duration");
		}
		if (bound.isNegative()) {
			throw invalid(maxLag, method, targetClass, "it is negative");
		}
		return bound;
	}

	private static IllegalStateException invalid(String maxLag, Method method, Class<?> targetClass, String why) {
		return new IllegalStateException("@ReplicaRead(maxLag = \"" + maxLag + "\") on "
				+ ClassUtils.getQualifiedMethodName(method, targetClass) + " is invalid: " + why
				+ ". Set a duration of zero or more, such as \"500ms\", \"1s\" or \"30s\", or leave maxLag out"
				+ " for the group's max-lag.");
	}

	private static MergedAnnotation<ReplicaRead> onMethod(Method method) {
		return MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY).get(ReplicaRead.class);
	}

	private static MergedAnnotation<ReplicaRead> onType(Class<?> type) {
		return MergedAnnotations.from(type, SearchStrategy.TYPE_HIERARCHY).get(ReplicaRead.class);
	}

}
