package io.replicarouter.replica;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * When a replica leaves rotation for lag and when it may come back.
 * <p>
 * A replica in rotation leaves it when its lag exceeds {@code maxLag} or
 * {@code maxLagBytes}. It comes back only once its lag is at most half of each limit, so a
 * replica hovering around a limit does not flap in and out.
 *
 * @param maxLag the longest time lag a replica in rotation may have
 * @param maxLagBytes the most WAL bytes a replica in rotation may have to replay, or 0 for
 * no limit
 */
public record HealthThresholds(Duration maxLag, long maxLagBytes) {

	/**
	 * Create thresholds.
	 * @param maxLag the longest time lag, positive
	 * @param maxLagBytes the byte limit, or 0 for none
	 */
	public HealthThresholds {
		Assert.isTrue(maxLag.compareTo(Duration.ZERO) > 0, "'maxLag' must be positive");
		Assert.isTrue(maxLagBytes >= 0, "'maxLagBytes' must not be negative");
	}

	boolean exceeds(Duration lag, long lagBytes) {
		return lag.compareTo(this.maxLag) > 0 || (this.maxLagBytes > 0 && lagBytes > this.maxLagBytes);
	}

	boolean allowsRejoin(Duration lag, long lagBytes) {
		return lag.compareTo(this.maxLag.dividedBy(2)) <= 0 && (this.maxLagBytes == 0 || lagBytes <= this.maxLagBytes / 2);
	}

}
