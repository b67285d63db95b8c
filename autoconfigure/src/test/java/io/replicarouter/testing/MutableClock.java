package io.replicarouter.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that moves only when a test moves it, so time-based behaviour is tested without
 * sleeping.
 */
public final class MutableClock extends Clock {

	private long millis;

	/**
	 * Create a clock at the current time.
	 */
	public MutableClock() {
		this.millis = System.currentTimeMillis();
	}

	/**
	 * Move the clock forward.
	 * @param duration how far
	 */
	public synchronized void advance(Duration duration) {
		this.millis += duration.toMillis();
	}

	/**
	 * Move the clock forward by one millisecond.
	 */
	public void tick() {
		advance(Duration.ofMillis(1));
	}

	@Override
	public synchronized long millis() {
		return this.millis;
	}

	@Override
	public Instant instant() {
		return Instant.ofEpochMilli(millis());
	}

	@Override
	public ZoneOffset getZone() {
		return ZoneOffset.UTC;
	}

	@Override
	public Clock withZone(ZoneId zone) {
		return this;
	}

}
