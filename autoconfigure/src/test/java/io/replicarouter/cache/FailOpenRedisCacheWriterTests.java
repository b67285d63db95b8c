package io.replicarouter.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.replicarouter.WalPosition;
import io.replicarouter.routing.ReadFrame;
import io.replicarouter.routing.ReadPositions;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.cache.RedisCacheWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.reset;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/**
 * The writer's decisions against a stub Redis writer; behaviour against a real Redis is
 * covered by {@code RedisCacheIT}.
 */
class FailOpenRedisCacheWriterTests {

	private static final byte[] KEY = "products::1".getBytes(StandardCharsets.UTF_8);

	private static final byte[] VALUE = "{}".getBytes(StandardCharsets.UTF_8);

	private final RedisCacheWriter redis = mock(RedisCacheWriter.class);

	private final CircuitBreaker breaker = new CircuitBreaker(2, Duration.ofMinutes(1));

	private final CacheCounters statistics = new CacheCounters();

	private final FailOpenRedisCacheWriter writer = new FailOpenRedisCacheWriter(this.redis, this.breaker,
			this.statistics, (name) -> name + "::", Duration.ofSeconds(10));

	@Test
	void failingLookupIsAMissAndEnoughFailuresOpenTheCircuit() {
		given(this.redis.get("products", KEY)).willThrow(new RedisConnectionFailureException("down"));
		assertThat(this.writer.get("products", KEY)).isNull();
		assertThat(this.writer.get("products", KEY)).isNull();
		assertThat(this.breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
		reset(this.redis);
		assertThat(this.writer.get("products", KEY)).isNull();
		this.writer.put("products", KEY, VALUE, null);
		verifyNoInteractions(this.redis);
		assertThat(this.statistics.of("products").errors()).isEqualTo(2);
		assertThat(this.statistics.of("products").skipped()).isEqualTo(2);
	}

	@Test
	void evictionThatFailedIsDoneAfterTheNextSuccessfulCall() {
		given(this.redis.evictIfPresent("products", KEY)).willThrow(new RedisConnectionFailureException("timeout"));
		this.writer.evict("products", KEY);
		reset(this.redis);
		given(this.redis.get("products", KEY)).willReturn(VALUE);
		this.writer.get("products", KEY);
		verify(this.redis).evictIfPresent("products", KEY);
	}

	@Test
	void syncLoadRunsTheLoaderOnceAndPutsItsValueThroughTheGuard() {
		given(this.redis.execute(any(java.util.function.Function.class))).willReturn("1".getBytes());
		byte[] loaded = this.writer.get("products", KEY, () -> VALUE, null, false);
		assertThat(loaded).isEqualTo(VALUE);
		verify(this.redis).execute(any(java.util.function.Function.class));
	}

	@Test
	@SuppressWarnings("unchecked")
	void valueReadFromAReplicaIsPutByTheGuardedScriptAndCountedWhenRefused() {
		given(this.redis.execute(any(java.util.function.Function.class))).willReturn("0".getBytes());
		putReadAt(50);
		verify(this.redis, never()).put("products", KEY, VALUE, null);
		assertThat(this.statistics.of("products").refusedRefills()).isEqualTo(1);
		given(this.redis.execute(any(java.util.function.Function.class))).willReturn("1".getBytes());
		putReadAt(150);
		assertThat(this.statistics.of("products").refusedRefills()).isEqualTo(1);
		verify(this.redis, times(2)).execute(any(java.util.function.Function.class));
	}

	@Test
	void evictionLeavesAMarkerInTheKeysSlot() {
		this.writer.evict("products", KEY);
		verify(this.redis).execute(any(java.util.function.Function.class));
		verify(this.redis).evictIfPresent("products", KEY);
	}

	@Test
	void framesNestAndAnOuterFrameSeesWhatItsInnerFramesRead() {
		try (ReadFrame outer = ReadPositions.open(false)) {
			try (ReadFrame inner = ReadPositions.open(false)) {
				simulateReplicaRead(70);
				assertThat(inner.position()).isEqualTo(WalPosition.of(70));
			}
			try (ReadFrame second = ReadPositions.open(false)) {
				assertThat(second.position()).isEqualTo(WalPosition.CURRENT);
			}
			assertThat(outer.position()).isEqualTo(WalPosition.of(70));
			assertThat(ReadPositions.current()).isSameAs(outer);
		}
		assertThat(ReadPositions.current()).isNull();
		try (ReadFrame asynchronous = ReadPositions.open(true)) {
			assertThat(asynchronous.position()).isEqualTo(WalPosition.UNKNOWN);
		}
	}

	private void putReadAt(long position) {
		try (ReadFrame frame = ReadPositions.open(false)) {
			simulateReplicaRead(position);
			ReadProvenance.ofCurrentInvocation().during(() -> this.writer.put("products", KEY, VALUE, null));
		}
	}

	private static byte[] markerKey() {
		return ("replica-router:evicted:{products::1}").getBytes(StandardCharsets.UTF_8);
	}

	private static void simulateReplicaRead(long position) {
		// ReadPositions.record is the router's; reach it through the package-private API.
		io.replicarouter.routing.ReadPositionsAccess.record(position);
	}

}
