package io.replicarouter.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.replicarouter.testing.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests of {@link CircuitBreaker}.
 */
class CircuitBreakerTests {

	private final IllegalStateException failure = new IllegalStateException("Redis down");

	@Test
	void opensAfterTheThresholdAndClosesOnASuccessfulTrial() {
		MutableClock clock = new MutableClock();
		CircuitBreaker breaker = new CircuitBreaker(2, Duration.ofMillis(50), clock);
		AtomicInteger closed = new AtomicInteger();
		breaker.onClose(closed::incrementAndGet);
		breaker.onFailure(this.failure);
		assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		breaker.onFailure(this.failure);
		assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(breaker.allowRequest()).isFalse();
		clock.advance(Duration.ofMillis(49));
		assertThat(breaker.allowRequest()).isFalse();
		clock.tick();
		assertThat(breaker.allowRequest()).isTrue();
		assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
		breaker.onSuccess();
		assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(closed).hasValue(1);
	}

	@Test
	void lateSuccessOfACallLetThroughBeforeTheCircuitOpenedKeepsItOpen() {
		CircuitBreaker breaker = new CircuitBreaker(1, Duration.ofSeconds(10));
		AtomicInteger closed = new AtomicInteger();
		breaker.onClose(closed::incrementAndGet);
		assertThat(breaker.allowRequest()).isTrue();
		breaker.onFailure(this.failure);
		assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		breaker.onSuccess();
		assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(breaker.allowRequest()).isFalse();
		assertThat(closed).hasValue(0);
	}

}
