package io.replicarouter.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How replica-router's background monitor probes the nodes.
 */
@ConfigurationProperties(ReplicaHealthProperties.PREFIX)
public class ReplicaHealthProperties {

	/**
	 * The prefix of the monitor's properties.
	 */
	public static final String PREFIX = ReplicaRouterProperties.PREFIX + ".health";

	/**
	 * Time between two probes of a healthy node. A replica that falls behind or dies leaves
	 * rotation within about this long.
	 */
	private Duration probeInterval = Duration.ofMillis(500);

	/**
	 * How long a probe (connect and query) may take before the node counts as down.
	 */
	private Duration probeTimeout = Duration.ofSeconds(1);

	/**
	 * Longest time between two probes of a node that is down; the time doubles from the
	 * probe interval after each failed probe.
	 */
	private Duration maxBackoff = Duration.ofSeconds(5);

	/**
	 * Share of a pool's connections in use, from 0 to 1, at or over which the pool counts as
	 * busy; a pool busy for the whole saturation period is reported saturated.
	 */
	private double poolUsageThreshold = 0.9;

	/**
	 * How long a pool must stay busy to be reported saturated (threads waiting for a
	 * connection saturate it at once), and calm to be clear again.
	 */
	private Duration poolSaturationPeriod = Duration.ofSeconds(10);

	public Duration getProbeInterval() {
		return this.probeInterval;
	}

	public void setProbeInterval(Duration probeInterval) {
		this.probeInterval = probeInterval;
	}

	public Duration getProbeTimeout() {
		return this.probeTimeout;
	}

	public void setProbeTimeout(Duration probeTimeout) {
		this.probeTimeout = probeTimeout;
	}

	public Duration getMaxBackoff() {
		return this.maxBackoff;
	}

	public void setMaxBackoff(Duration maxBackoff) {
		this.maxBackoff = maxBackoff;
	}

	public double getPoolUsageThreshold() {
		return this.poolUsageThreshold;
	}

	public void setPoolUsageThreshold(double poolUsageThreshold) {
		this.poolUsageThreshold = poolUsageThreshold;
	}

	public Duration getPoolSaturationPeriod() {
		return this.poolSaturationPeriod;
	}

	public void setPoolSaturationPeriod(Duration poolSaturationPeriod) {
		this.poolSaturationPeriod = poolSaturationPeriod;
	}

}
