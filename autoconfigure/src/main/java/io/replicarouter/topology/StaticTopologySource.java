package io.replicarouter.topology;

import java.time.Clock;
import java.time.Instant;

/**
 * The topology of the configuration: {@code spring.datasource.*} and
 * {@code replica-router.replicas}, fixed while the application runs.
 */
public final class StaticTopologySource implements TopologySource {

	private final Instant started;

	/**
	 * Create the source.
	 * @param clock the clock that dates the topology
	 */
	public StaticTopologySource(Clock clock) {
		this.started = clock.instant();
	}

	@Override
	public TopologyStatus status() {
		return new TopologyStatus("static", "spring.datasource.url and replica-router.replicas", this.started, null,
				null, null, java.util.List.of());
	}

}
