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
	 * How long a probe (connect and query) may take before it counts as failed.
	 */
	private Duration probeTimeout = Duration.ofSeconds(1);

	/**
	 * Failed or timed-out probes in a row after which a node is down: out of rotation, and
	 * its connections in use aborted. A failure that shows the server is gone (connection
	 * refused or reset, shutdown) takes it down at once. A suspect node is probed again at
	 * once, so 3 at the default probe interval and timeout means a stalled node is down
	 * within about 5 s, while one slow probe (an I/O spike, a GC pause of the application)
	 * no longer takes a node out of rotation; failures in use by the application count too.
	 */
	private int failureThreshold = 3;

	/**
	 * How many replicas the monitor keeps in rotation although their probes time out: a
	 * replica that is only slow (it answers the probe's cancel, its connections work) is
	 * not taken out when fewer would be left in rotation, so that a load spike does not
	 * move every read onto the primary. Unreachable replicas leave anyway.
	 */
	private int minInRotation = 1;

	/**
	 * Longest time between two probes of a replica that is down; the time doubles from the
	 * probe interval after each failed probe. A primary that is down is probed at the probe
	 * interval, since writes wait for it.
	 */
	private Duration maxBackoff = Duration.ofSeconds(5);

	/**
	 * Share of a pool's connections in use, from 0 to 1, at or over which the pool counts as
	 * busy; a pool busy for the whole saturation period is reported saturated.
	 */
	private double poolUsageThreshold = 0.9;

	/**
	 * How long a pool must stay busy to be reported saturated (threads waiting for a
	 * connection while all of the pool's connections are open saturate it at once), and
	 * calm to be clear again.
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

	public int getFailureThreshold() {
		return this.failureThreshold;
	}

	public void setFailureThreshold(int failureThreshold) {
		this.failureThreshold = failureThreshold;
	}

	public int getMinInRotation() {
		return this.minInRotation;
	}

	public void setMinInRotation(int minInRotation) {
		this.minInRotation = minInRotation;
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
