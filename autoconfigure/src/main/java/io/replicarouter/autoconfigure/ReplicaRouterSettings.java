package io.replicarouter.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringUtils;

/**
 * Every setting the router is built from, checked as a whole once: a bean of this type
 * exists only when {@link SettingsValidator} found nothing wrong, and every bean that
 * reads these settings depends on it.
 *
 * @param router {@code replica-router.*}
 * @param health {@code replica-router.health.*}
 * @param consistency {@code replica-router.consistency.*}
 * @param pgBouncer {@code replica-router.pgbouncer.*}
 * @param patroni {@code replica-router.patroni.*}
 * @param primary where the primary comes from
 * @param services the replicas of {@link ReplicaConnectionDetails} beans, after those of
 * {@code replica-router.replicas}
 */
record ReplicaRouterSettings(ReplicaRouterProperties router, ReplicaHealthProperties health,
		ConsistencyProperties consistency, PgBouncerProperties pgBouncer, PatroniProperties patroni,
		PrimarySource primary, List<ServiceReplica> services) {

	/**
	 * Check the settings and return them.
	 * @throws InvalidReplicaRouterConfigurationException naming every property at fault
	 */
	static ReplicaRouterSettings validated(ReplicaRouterProperties router, ReplicaHealthProperties health,
			ConsistencyProperties consistency, PgBouncerProperties pgBouncer, PatroniProperties patroni,
			PrimarySource primary, List<ServiceReplica> services) {
		ReplicaRouterSettings settings = new ReplicaRouterSettings(router, health, consistency, pgBouncer, patroni,
				primary, List.copyOf(services));
		SettingsValidator.validate(settings);
		return settings;
	}

	/**
	 * Whether PgBouncer's admin console is polled.
	 */
	boolean pgBouncerAdmin() {
		return StringUtils.hasText(this.pgBouncer.getAdmin().getUsername());
	}

	/**
	 * Where each replica the settings know is set, for messages, in the order of the
	 * routing DataSource's replicas: {@code replica-router.replicas[i]}, then each
	 * {@link ReplicaConnectionDetails} bean. Members of a topology source come after them
	 * and are not listed.
	 * @return the descriptions
	 */
	List<String> replicaSettings() {
		List<String> settings = new ArrayList<>();
		for (int index = 0; index < this.router.getReplicas().size(); index++) {
			settings.add(ReplicaRouterProperties.PREFIX + ".replicas[" + index + "]");
		}
		this.services.forEach((service) -> settings.add(service.description()));
		return settings;
	}

	/**
	 * Where the URL of a replica is set, for messages.
	 * @param index the replica's position among the routing DataSource's replicas
	 * @return {@code replica-router.replicas[i].url}, the {@link ReplicaConnectionDetails}
	 * bean, or {@code null} for a member of a topology source
	 */
	@Nullable String replicaUrlSetting(int index) {
		int configured = this.router.getReplicas().size();
		if (index < configured) {
			return ReplicaRouterProperties.PREFIX + ".replicas[" + index + "].url";
		}
		return (index < configured + this.services.size()) ? this.services.get(index - configured).description()
				: null;
	}

}
