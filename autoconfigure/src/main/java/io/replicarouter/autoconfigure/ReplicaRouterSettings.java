package io.replicarouter.autoconfigure;

import java.util.List;

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

}
