package io.replicarouter.autoconfigure.actuate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointProperties;

/**
 * Gives Boot's {@code liveness} and {@code readiness} health groups replica-router's
 * defaults, with Boot's own group mechanism: it post-processes the groups Boot built from
 * {@code management.endpoint.health.group.*} and its availability probes.
 * <ul>
 * <li>{@code liveness} never has a member that depends on the database: replica-router's
 * indicators ({@code db}, {@code replication}, {@code connectionPools}, {@code routing})
 * are taken out of it whatever the group includes, since restarting an application
 * because its database is unreachable cannot fix the database and restarts every instance
 * at once.</li>
 * <li>{@code readiness}, unless the application chose its members
 * ({@code management.endpoint.health.group.readiness.include} or {@code exclude}), is
 * {@code readinessState} and {@code routing}. Everything else the application set for the
 * group (show-details, status order, HTTP mapping, additional path) is kept. Without
 * settings of its own the group aggregates and maps statuses as the whole health endpoint
 * does ({@code management.endpoint.health.status.*}), so it knows
 * {@code READ_ONLY} and {@code DEGRADED}, which Boot's plain probe group would drop.</li>
 * </ul>
 * Boot validates the members named in properties at startup and fails on an unknown one;
 * adding {@code routing} here, only when its indicator exists, keeps an application that
 * switched the indicator off (or replica-router) starting.
 */
class ProbeHealthGroups implements HealthEndpointGroupsPostProcessor {

	static final String LIVENESS = "liveness";

	static final String READINESS = "readiness";

	/**
	 * The contributors replica-router registers: each depends on the database.
	 */
	static final Set<String> DATABASE_CONTRIBUTORS = Set.of("db", "replication", "connectionPools", "routing");

	private static final Log logger = LogFactory.getLog(ProbeHealthGroups.class);

	private final HealthEndpointProperties properties;

	private final List<String> readinessMembers;

	ProbeHealthGroups(HealthEndpointProperties properties, boolean routingIndicator) {
		this.properties = properties;
		this.readinessMembers = routingIndicator ? List.of("readinessState", "routing") : List.of("readinessState");
		warnAboutDatabaseMembersOfLiveness();
	}

	@Override
	public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
		Map<String, HealthEndpointGroup> all = new LinkedHashMap<>();
		for (String name : groups.getNames()) {
			HealthEndpointGroup group = groups.get(name);
			if (group != null) {
				all.put(name, group);
			}
		}
		HealthEndpointGroup primary = groups.getPrimary();
		all.put(READINESS, readiness(all.get(READINESS), primary));
		HealthEndpointGroup liveness = all.get(LIVENESS);
		if (liveness != null) {
			all.put(LIVENESS, new MembersGroup(liveness,
					(name) -> !dependsOnTheDatabase(name) && liveness.isMember(name), liveness.getStatusAggregator(),
					liveness.getHttpCodeStatusMapper()));
		}
		return new PostProcessedGroups(primary, all);
	}

	private HealthEndpointGroup readiness(@Nullable HealthEndpointGroup existing, HealthEndpointGroup primary) {
		HealthEndpointProperties.Group configured = this.properties.getGroup().get(READINESS);
		if (existing != null && configured != null
				&& (configured.getInclude() != null || configured.getExclude() != null)) {
			return existing;
		}
		Predicate<String> members = (name) -> this.readinessMembers.stream()
			.anyMatch((member) -> name.equals(member) || name.startsWith(member + "/"));
		if (existing != null && configured != null) {
			// The application configured the group, except its members: keep all of it.
			return new MembersGroup(existing, members, existing.getStatusAggregator(),
					existing.getHttpCodeStatusMapper());
		}
		// Boot's probe group (or none yet): it would aggregate with Boot's default order, which
		// drops READ_ONLY and DEGRADED. Use the endpoint's order and HTTP mapping instead.
		return new MembersGroup(existing, members, primary.getStatusAggregator(), primary.getHttpCodeStatusMapper());
	}

	private void warnAboutDatabaseMembersOfLiveness() {
		HealthEndpointProperties.Group liveness = this.properties.getGroup().get(LIVENESS);
		if (liveness == null || liveness.getInclude() == null) {
			return;
		}
		List<String> ignored = liveness.getInclude().stream().filter(ProbeHealthGroups::dependsOnTheDatabase).toList();
		if (!ignored.isEmpty()) {
			logger.warn("management.endpoint.health.group.liveness.include lists " + ignored
					+ ", which replica-router keeps out of the liveness group: a liveness probe that fails while the"
					+ " database is unreachable restarts every instance and cannot bring the database back. Put them"
					+ " in the readiness group or another group of your own.");
		}
	}

	private static boolean dependsOnTheDatabase(String name) {
		int slash = name.indexOf('/');
		return DATABASE_CONTRIBUTORS.contains((slash >= 0) ? name.substring(0, slash) : name);
	}

	/**
	 * The groups, with their additional paths ({@code /readyz}, {@code /livez},
	 * {@code additional-path}) mapped like Boot's own groups: the web endpoints find them
	 * through {@link AdditionalPathsMapper}.
	 */
	private static final class PostProcessedGroups implements HealthEndpointGroups, AdditionalPathsMapper {

		private final HealthEndpointGroup primary;

		private final Map<String, HealthEndpointGroup> groups;

		PostProcessedGroups(HealthEndpointGroup primary, Map<String, HealthEndpointGroup> groups) {
			this.primary = primary;
			this.groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
		}

		@Override
		public HealthEndpointGroup getPrimary() {
			return this.primary;
		}

		@Override
		public Set<String> getNames() {
			return this.groups.keySet();
		}

		@Override
		public @Nullable HealthEndpointGroup get(String name) {
			return this.groups.get(name);
		}

		@Override
		public @Nullable List<String> getAdditionalPaths(EndpointId endpointId, WebServerNamespace webServerNamespace) {
			if (!HealthEndpoint.ID.equals(endpointId)) {
				return null;
			}
			return Stream.concat(Stream.of(this.primary), this.groups.values().stream())
				.map(HealthEndpointGroup::getAdditionalPath)
				.filter(Objects::nonNull)
				.filter((path) -> path.hasNamespace(webServerNamespace))
				.map(AdditionalHealthEndpointPath::getValue)
				.toList();
		}

	}

	/**
	 * A group with other members than the group it is based on, and its own status
	 * aggregator and HTTP mapping; what it shows and its additional path are the base
	 * group's (none, without one, as Boot's probe groups).
	 */
	private static final class MembersGroup implements HealthEndpointGroup {

		private final @Nullable HealthEndpointGroup base;

		private final Predicate<String> members;

		private final StatusAggregator statusAggregator;

		private final HttpCodeStatusMapper httpCodeStatusMapper;

		MembersGroup(@Nullable HealthEndpointGroup base, Predicate<String> members, StatusAggregator statusAggregator,
				HttpCodeStatusMapper httpCodeStatusMapper) {
			this.base = base;
			this.members = members;
			this.statusAggregator = statusAggregator;
			this.httpCodeStatusMapper = httpCodeStatusMapper;
		}

		@Override
		public boolean isMember(String name) {
			return this.members.test(name);
		}

		@Override
		public boolean showComponents(SecurityContext securityContext) {
			return this.base != null && this.base.showComponents(securityContext);
		}

		@Override
		public boolean showDetails(SecurityContext securityContext) {
			return this.base != null && this.base.showDetails(securityContext);
		}

		@Override
		public StatusAggregator getStatusAggregator() {
			return this.statusAggregator;
		}

		@Override
		public HttpCodeStatusMapper getHttpCodeStatusMapper() {
			return this.httpCodeStatusMapper;
		}

		@Override
		public @Nullable AdditionalHealthEndpointPath getAdditionalPath() {
			return (this.base != null) ? this.base.getAdditionalPath() : null;
		}

	}

}
