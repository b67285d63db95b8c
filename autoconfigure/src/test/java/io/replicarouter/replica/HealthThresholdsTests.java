package io.replicarouter.replica;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HealthThresholdsTests {

	private final HealthThresholds thresholds = new HealthThresholds(Duration.ofSeconds(2), 1000);

	@Test
	void exceededByEitherLimit() {
		assertThat(this.thresholds.exceeds(Duration.ofSeconds(2), 1000)).isFalse();
		assertThat(this.thresholds.exceeds(Duration.ofMillis(2001), 0)).isTrue();
		assertThat(this.thresholds.exceeds(Duration.ZERO, 1001)).isTrue();
	}

	@Test
	void rejoinNeedsHalfOfEachLimitSoAReplicaNearALimitDoesNotFlap() {
		assertThat(this.thresholds.allowsRejoin(Duration.ofMillis(1500), 0)).isFalse();
		assertThat(this.thresholds.allowsRejoin(Duration.ofSeconds(1), 600)).isFalse();
		assertThat(this.thresholds.allowsRejoin(Duration.ofSeconds(1), 500)).isTrue();
	}

	@Test
	void noByteLimitWhenZero() {
		HealthThresholds timeOnly = new HealthThresholds(Duration.ofSeconds(2), 0);
		assertThat(timeOnly.exceeds(Duration.ZERO, Long.MAX_VALUE)).isFalse();
		assertThat(timeOnly.allowsRejoin(Duration.ZERO, Long.MAX_VALUE)).isTrue();
	}

}
