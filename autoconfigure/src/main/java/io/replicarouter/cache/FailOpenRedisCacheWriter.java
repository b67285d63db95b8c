package io.replicarouter.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.cache.CacheStatistics;
import org.springframework.data.redis.cache.CacheStatisticsCollector;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnection;

/**
 * A {@link RedisCacheWriter} that keeps cached methods working when Redis is slow or down.
 * Every call goes through a {@link CircuitBreaker}: a failing get is a miss, so the method
 * runs against the database; a failing put is dropped; no put follows a failed get. While
 * the circuit is open Redis is not called at all. An eviction that fails or is skipped
 * goes to an {@link EvictionBacklog}, done after the next successful call.
 * <p>
 * Puts go through a {@link RefillGuard} when one is set, with the {@link ReadProvenance}
 * that {@link RoutingAwareCache} hands over for the duration of the call.
 */
public class FailOpenRedisCacheWriter implements RedisCacheWriter {

	private final RedisCacheWriter delegate;

	private final CircuitBreaker breaker;

	private final CacheCounters counters;

	private final @Nullable RefillGuard guard;

	private final EvictionBacklog backlog;

	/**
	 * Create a writer.
	 * @param delegate the writer that talks to Redis
	 * @param breaker the circuit breaker
	 * @param counters where to count
	 * @param keyPrefix the key prefix of each cache, to clear it after missed evictions;
	 * {@code null} when caches share no prefix and cannot be cleared alone
	 * @param markerTtl how long eviction markers live, or {@code null} to refill freely
	 */
	public FailOpenRedisCacheWriter(RedisCacheWriter delegate, CircuitBreaker breaker, CacheCounters counters,
			Function<String, @Nullable String> keyPrefix, @Nullable Duration markerTtl) {
		this(delegate, breaker, counters, (markerTtl != null) ? new RefillGuard(delegate, markerTtl) : null,
				new EvictionBacklog(delegate, keyPrefix));
		breaker.onClose(this::replayBacklog);
	}

	private FailOpenRedisCacheWriter(RedisCacheWriter delegate, CircuitBreaker breaker, CacheCounters counters,
			@Nullable RefillGuard guard, EvictionBacklog backlog) {
		this.delegate = delegate;
		this.breaker = breaker;
		this.counters = counters;
		this.guard = guard;
		this.backlog = backlog;
	}

	@Override
	public byte @Nullable [] get(String name, byte[] key) {
		return get(name, key, (Duration) null);
	}

	@Override
	public byte @Nullable [] get(String name, byte[] key, @Nullable Duration ttl) {
		CacheCounters.Counters counters = this.counters.of(name);
		if (!this.breaker.allowRequest()) {
			counters.skipped.increment();
			counters.misses.increment();
			return null;
		}
		try {
			byte[] value = (ttl != null) ? this.delegate.get(name, key, ttl) : this.delegate.get(name, key);
			succeeded();
			((value != null) ? counters.hits : counters.misses).increment();
			return value;
		}
		catch (RuntimeException ex) {
			failed(name, ex);
			counters.misses.increment();
			return null;
		}
	}

	/**
	 * Not used by {@link RoutingAwareCache}, which synchronizes loads itself; loads without a
	 * lock, so no thread waits on another's database call inside Redis I/O.
	 */
	@Override
	public byte[] get(String name, byte[] key, Supplier<byte[]> valueLoader, @Nullable Duration ttl,
			boolean timeToIdleEnabled) {
		byte[] cached = get(name, key, ttl);
		if (cached != null) {
			return cached;
		}
		byte[] loaded = valueLoader.get();
		put(name, key, loaded, ttl);
		return loaded;
	}

	@Override
	public boolean supportsAsyncRetrieve() {
		return this.delegate.supportsAsyncRetrieve();
	}

	@Override
	public CompletableFuture<byte @Nullable []> retrieve(String name, byte[] key, @Nullable Duration ttl) {
		CacheCounters.Counters counters = this.counters.of(name);
		if (!this.breaker.allowRequest()) {
			counters.skipped.increment();
			counters.misses.increment();
			return CompletableFuture.completedFuture(null);
		}
		return this.delegate.retrieve(name, key, ttl).handle((value, ex) -> {
			if (ex != null) {
				failed(name, ex);
				counters.misses.increment();
				return null;
			}
			succeeded();
			((value != null) ? counters.hits : counters.misses).increment();
			return value;
		});
	}

	@Override
	public void put(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		write(name, key, value, ttl, false);
	}

	@Override
	public CompletableFuture<Void> store(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		write(name, key, value, ttl, false);
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public byte @Nullable [] putIfAbsent(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		Object existing = write(name, key, value, ttl, true);
		return (existing instanceof byte[] bytes) ? bytes : null;
	}

	private @Nullable Object write(String name, byte[] key, byte[] value, @Nullable Duration ttl,
			boolean onlyIfAbsent) {
		CacheCounters.Counters counters = this.counters.of(name);
		if (!this.breaker.allowRequest()) {
			counters.skipped.increment();
			return null;
		}
		try {
			Object result;
			if (this.guard != null) {
				result = this.guard.put(key, value, ttl, ReadProvenance.inFlight(), onlyIfAbsent);
				if (result == null) {
					counters.refusedRefills.increment();
				}
			}
			else if (onlyIfAbsent) {
				result = this.delegate.putIfAbsent(name, key, value, ttl);
			}
			else {
				this.delegate.put(name, key, value, ttl);
				result = null;
			}
			succeeded();
			return result;
		}
		catch (RuntimeException ex) {
			failed(name, ex);
			return null;
		}
	}

	@Override
	public void remove(String name, byte[] key) {
		evictIfPresent(name, key);
	}

	@Override
	public void evict(String name, byte[] key) {
		// Spring Data Redis evicts asynchronously with Lettuce; an eviction after commit
		// must be done when the call returns, before the caller (or a reader) goes on.
		evictIfPresent(name, key);
	}

	@Override
	public boolean evictIfPresent(String name, byte[] key) {
		if (!this.breaker.allowRequest()) {
			this.counters.of(name).skipped.increment();
			this.backlog.add(name, key);
			return false;
		}
		try {
			if (this.guard != null && !UnreadableEntries.isEvicting()) {
				this.guard.markEvicted(name, key);
			}
			boolean evicted = this.delegate.evictIfPresent(name, key);
			succeeded();
			return evicted;
		}
		catch (RuntimeException ex) {
			failed(name, ex);
			this.backlog.add(name, key);
			return false;
		}
	}

	@Override
	public void clean(String name, byte[] pattern) {
		clear(name, pattern);
	}

	@Override
	public void clear(String name, byte[] pattern) {
		if (!this.breaker.allowRequest()) {
			this.counters.of(name).skipped.increment();
			this.backlog.addClear(name);
			return;
		}
		try {
			this.delegate.clear(name, pattern);
			succeeded();
		}
		catch (RuntimeException ex) {
			failed(name, ex);
			this.backlog.addClear(name);
		}
	}

	@Override
	public boolean invalidate(String name, byte[] pattern) {
		clear(name, pattern);
		return true;
	}

	private void succeeded() {
		this.breaker.onSuccess();
		if (this.backlog.hasWork()) {
			replayBacklog();
		}
	}

	private void replayBacklog() {
		try {
			this.backlog.replay();
		}
		catch (RuntimeException ex) {
			this.breaker.onFailure(ex);
		}
	}

	private void failed(String name, Throwable ex) {
		this.counters.of(name).errors.increment();
		this.breaker.onFailure(ex);
	}

	@Override
	public void clearStatistics(String name) {
		this.delegate.clearStatistics(name);
	}

	@Override
	public CacheStatistics getCacheStatistics(String cacheName) {
		return this.delegate.getCacheStatistics(cacheName);
	}

	@Override
	public RedisCacheWriter withStatisticsCollector(CacheStatisticsCollector collector) {
		return new FailOpenRedisCacheWriter(this.delegate.withStatisticsCollector(collector), this.breaker,
				this.counters, this.guard, this.backlog);
	}

	@Override
	public <T> T execute(Function<RedisConnection, T> callback) {
		return this.delegate.execute(callback);
	}

}
