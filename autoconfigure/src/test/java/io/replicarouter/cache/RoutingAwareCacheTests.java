package io.replicarouter.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCache;
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;
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
@ExtendWith(OutputCaptureExtension.class)
class RoutingAwareCacheTests {

	private final CacheCounters counters = new CacheCounters();

	@Test
	void anUnreadableEntryIsAMissEvictedAndCounted() {
		Cache target = mock(Cache.class);
		given(target.getName()).willReturn("products");
		given(target.get("1")).willThrow(new CacheValueSerializer.UnreadableCacheValueException("com.example.Money",
				CacheValueSerializer.Reason.UNTRUSTED_TYPE, new IllegalStateException("denied")));
		RoutingAwareCache cache = new RoutingAwareCache(target, new UnreadableEntries(this.counters));
		assertThat(cache.get("1")).isNull();
		assertThat(cache.get("1", () -> "loaded")).isEqualTo("loaded");
		// The sync path looks again under its lock; this stub stays unreadable.
		verify(target, org.mockito.Mockito.times(3)).evictIfPresent("1");
		assertThat(this.counters.of("products").unreadable()).isEqualTo(3);
	}

	@Test
	void poisonedEntriesAreReplacedWhereTheyCanBeAndEachCacheWarnsOnceWhateverThePath(CapturedOutput output) {
		InMemoryRedisCacheWriter redis = new InMemoryRedisCacheWriter();
		RedisCacheManager manager = RedisCacheManager
			.builder(new FailOpenRedisCacheWriter(redis, new CircuitBreaker(3, Duration.ofSeconds(5)), this.counters,
					(name) -> null, null))
			.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig()
				.serializeValuesWith(SerializationPair.fromSerializer(CacheValueSerializer.trusting(List.of()))))
			.build();
		CacheManager caches = RoutingAwareCacheManagers.decorate(manager, this.counters);
		JdkSerializationRedisSerializer jdk = new JdkSerializationRedisSerializer();
		redis.seed("pages::1", jdk.serialize(new PageImpl<>(List.of("old"), PageRequest.of(0, 1), 9)));
		redis.seed("prices::1", ("{\"@class\":\"" + Money.class.getName() + "\",\"amount\":1}").getBytes());
		redis.seed("names::1", jdk.serialize("old format"));
		Page<String> page = new PageImpl<>(List.of("a"), PageRequest.of(0, 1), 3);
		for (int call = 0; call < 3; call++) {
			assertThat(caches.getCache("pages").get(1, () -> page)).isEqualTo(page);
			assertThat(cacheable(caches.getCache("prices"), 1, new Money(5))).isEqualTo(new Money(5));
			assertThat(cacheable(caches.getCache("names"), 1, "name 1")).isEqualTo("name 1");
		}
		assertThat(new String(redis.entry("pages::1"), StandardCharsets.UTF_8))
			.startsWith("{\"@class\":\"org.springframework.data.domain.PageImpl\"")
			.contains("\"a\"");
		assertThat(redis.entry("prices::1")).as("evicted, and a Money is not cached").isNull();
		assertThat(new String(redis.entry("names::1"), StandardCharsets.UTF_8)).isEqualTo("\"name 1\"");
		for (String name : List.of("pages", "names")) {
			assertThat(this.counters.of(name).unreadable()).isEqualTo(1);
			assertThat(this.counters.of(name).hits()).as("the unreadable entry is not a hit, later calls are")
				.isEqualTo(2);
			assertThat(this.counters.of(name).unwritable()).isZero();
		}
		assertThat(this.counters.of("names").misses()).as("the unreadable entry is a miss").isEqualTo(1);
		assertThat(this.counters.of("pages").misses()).as("and the sync path looks again under its lock")
			.isEqualTo(2);
		assertThat(this.counters.of("prices").unreadable()).isEqualTo(1);
		assertThat(this.counters.of("prices").unwritable()).isEqualTo(3);
		assertThat(this.counters.of("prices").hits()).isZero();
		List<String> warnings = output.getAll().lines().filter((line) -> line.contains(" WARN ")).toList();
		assertThat(warnings).filteredOn((line) -> line.contains("'pages'")).singleElement()
			.asString()
			.contains("org.springframework.data.domain.PageImpl (Java-serialized)")
			.contains("Java serialization");
		assertThat(warnings).filteredOn((line) -> line.contains("'names'")).singleElement()
			.asString()
			.contains("java.lang.String (Java-serialized)");
		assertThat(warnings).filteredOn((line) -> line.contains("'prices'")).singleElement()
			.asString()
			.contains(Money.class.getName())
			.contains("replica-router.cache.trusted-packages");
	}

	/**
	 * What Spring's cache interceptor does for {@code @Cacheable} without {@code sync}.
	 */
	private static Object cacheable(Cache cache, Object key, Object loaded) {
		Cache.ValueWrapper cached = cache.get(key);
		if (cached != null) {
			return cached.get();
		}
		cache.put(key, loaded);
		return loaded;
	}

	record Money(long amount) {
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
