package io.replicarouter.cache;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.replicarouter.WalPosition;
import io.replicarouter.routing.ReadFrame;
import io.replicarouter.routing.ReadPositions;
import io.replicarouter.routing.ReadPositionsAccess;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

/**
 * The decorator's decisions against a stub cache; against a real Redis and replicas see
 * {@code CacheShapesIT}.
 */
class RoutingAwareCacheTests {

	private final CacheCounters counters = new CacheCounters();

	@Test
	void anUnreadableEntryIsAMissEvictedAndCounted() {
		Cache target = mock(Cache.class);
		given(target.getName()).willReturn("products");
		given(target.get("1")).willThrow(new CacheValueSerializer.UnreadableCacheValueException(
				"org.springframework.data.domain.PageImpl", false, new IllegalStateException("denied")));
		RoutingAwareCache cache = new RoutingAwareCache(target, new UnreadableEntries(this.counters));
		assertThat(cache.get("1")).isNull();
		assertThat(cache.get("1", () -> "loaded")).isEqualTo("loaded");
		// The sync path looks again under its lock; this stub stays unreadable.
		verify(target, org.mockito.Mockito.times(3)).evictIfPresent("1");
		assertThat(this.counters.of("products").unreadable()).isEqualTo(3);
	}

	@Test
	void otherFailuresOfTheCacheAreNotHidden() {
		Cache target = mock(Cache.class);
		given(target.get("1")).willThrow(new IllegalStateException("Cannot convert cache key"));
		RoutingAwareCache cache = new RoutingAwareCache(target, new UnreadableEntries(this.counters));
		org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(() -> cache.get("1"));
	}

	@Test
	void aPutCarriesTheReadPositionOfItsInvocationAlsoWhenDeferredToAfterCommit() {
		Cache target = mock(Cache.class);
		AtomicReference<ReadProvenance> seen = new AtomicReference<>();
		willAnswer((invocation) -> {
			seen.set(ReadProvenance.inFlight());
			return null;
		}).given(target).put(any(), any());
		RoutingAwareCache cache = new RoutingAwareCache(target, new UnreadableEntries(this.counters));
		TransactionSynchronizationManager.initSynchronization();
		try {
			try (ReadFrame first = ReadPositions.open(false)) {
				ReadPositionsAccess.record(50);
				cache.put("1", "old");
			}
			try (ReadFrame second = ReadPositions.open(false)) {
				cache.put("2", "fresh");
			}
			verify(target, never()).put(any(), any());
			List<TransactionSynchronization> synchronizations = TransactionSynchronizationManager.getSynchronizations();
			synchronizations.get(0).afterCommit();
			assertThat(seen.get().position()).isEqualTo(WalPosition.of(50));
			synchronizations.get(1).afterCommit();
			assertThat(seen.get().position()).isEqualTo(WalPosition.CURRENT);
		}
		finally {
			TransactionSynchronizationManager.clearSynchronization();
		}
		cache.put("3", "outside an invocation");
		assertThat(seen.get()).isEqualTo(ReadProvenance.UNKNOWN);
		assertThat(ReadProvenance.inFlight()).as("only for the call").isEqualTo(ReadProvenance.UNKNOWN);
	}

	@Test
	void syncLoadsOfOneKeyRunOnceAtATime() throws Exception {
		RoutingAwareCache cache = new RoutingAwareCache(new ConcurrentMapCache("products"),
				new UnreadableEntries(this.counters));
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch loading = new CountDownLatch(1);
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			List<Future<String>> calls = new java.util.ArrayList<>();
			for (int i = 0; i < 8; i++) {
				calls.add(threads.submit(() -> cache.get("1", () -> {
					loads.incrementAndGet();
					loading.countDown();
					Thread.sleep(200);
					return "loaded";
				})));
			}
			for (Future<String> call : calls) {
				assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("loaded");
			}
		}
		finally {
			threads.shutdown();
		}
		assertThat(loads).hasValue(1);
	}

}
