package io.replicarouter.routing;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a read of each replica group does when none of the group's replicas can serve it:
 * read from the primary ({@value #PRIMARY}), fail ({@value #FAIL}), or read from another
 * group. A group without a fallback of its own: the default group follows the router's
 * {@link Fallback}, every other group fails, so that a report never lands on the primary
 * unless the user says so. Immutable.
 */
final class GroupFallbacks {

	static final String PRIMARY = "primary";

	static final String FAIL = "fail";

	static final GroupFallbacks NONE = new GroupFallbacks(Map.of());

	private final Map<String, String> fallbacks;

	/**
	 * Create the fallbacks.
	 * @param fallbacks each group's own: {@value #PRIMARY}, {@value #FAIL} or another group
	 * @throws IllegalArgumentException if groups fall back to each other in a cycle
	 */
	GroupFallbacks(Map<String, String> fallbacks) {
		for (String group : fallbacks.keySet()) {
			Set<String> seen = new LinkedHashSet<>();
			for (String next = group; next != null && !PRIMARY.equals(next) && !FAIL.equals(next);
					next = fallbacks.get(next)) {
				if (!seen.add(next)) {
					throw new IllegalArgumentException(
							"Replica groups fall back to each other in a cycle: " + String.join(" -> ", seen) + " -> " + next);
				}
			}
		}
		this.fallbacks = Map.copyOf(fallbacks);
	}

	/**
	 * Return what a read of the group does when none of its replicas can serve it.
	 * @param group the group
	 * @param fallback the router's fallback, for the default group
	 * @return {@value #PRIMARY}, {@value #FAIL} or another group's name
	 */
	String of(String group, Fallback fallback) {
		String own = this.fallbacks.get(group);
		if (own != null) {
			return own;
		}
		return (DataSourceNode.DEFAULT_GROUP.equals(group) && fallback == Fallback.PRIMARY) ? PRIMARY : FAIL;
	}

	/**
	 * Return the exception for a read of the group that fails: the router's own message for
	 * the default group under {@code replica-router.fallback=fail}, the group's otherwise.
	 * @param group the group
	 * @param why why none of its replicas could serve
	 * @return the exception
	 */
	NoEligibleReplicaException failure(String group, String why) {
		return (DataSourceNode.DEFAULT_GROUP.equals(group) && !this.fallbacks.containsKey(group))
				? new NoEligibleReplicaException(why) : new NoEligibleReplicaException(group, why);
	}

}
