package io.replicarouter.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

import io.replicarouter.WalPosition;
import io.replicarouter.consistency.ConsistencyScope;
import io.replicarouter.routing.ReadPositions;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.cache.CacheStatistics;
import org.springframework.data.redis.cache.CacheStatisticsCollector;
import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.ReturnType;

/**
 * A {@link RedisCacheWriter} that keeps cached methods working when Redis is slow or down,
 * and keeps replicas that lag from refilling the cache with data a write has replaced.
 * <p>
 * <b>Fail-open.</b> Every call goes through a {@link CircuitBreaker}. A failing get is a
 * miss, so the method runs against the database; a failing put is dropped. No put follows
 * a failed get. While the circuit is open Redis is not called at all. An eviction that
 * fails or is skipped is remembered and done after the next successful Redis call; when
 * too many pile up, or a whole cache should have been cleared, that cache is cleared
 * instead, so nothing that was evicted is served once Redis answers again.
 * <p>
 * <b>No stale refill.</b> An eviction also stores, for the lifetime of a consistency token,
 * a marker with the WAL position of the write that caused it (the evicting transaction's
 * position, recorded by read-your-writes). A value read from a replica is put only if the
 * replica had replayed that position, checked and written in one Redis script so that an
 * eviction cannot slip in between; a value read on the primary is always put. {@code store}
 * and {@code putIfAbsent} check the marker first and then write, without that atomicity.
 */
public class FailOpenRedisCacheWriter implements RedisCacheWriter {

	private static final Log logger = LogFactory.getLog(FailOpenRedisCacheWriter.class);

	private static final byte[] MARKER_PREFIX = "replica-router:evicted:{".getBytes(StandardCharsets.UTF_8);

	private static final byte[] MARKER_SUFFIX = "}".getBytes(StandardCharsets.UTF_8);

	/**
	 * Puts a value unless the key's eviction marker names a later write than the value's
	 * read position, in one step, so an eviction cannot slip between the check and the put.
	 * KEYS: the key, its marker; ARGV: the value, the TTL in milliseconds (0 for none), the
	 * read position.
	 */
	private static final byte[] GUARDED_PUT = ("local marker = redis.call('GET', KEYS[2]) "
			+ "if marker and tonumber(marker) > tonumber(ARGV[3]) then return 0 end "
			+ "if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
			+ "else redis.call('SET', KEYS[1], ARGV[1]) end return 1").getBytes(StandardCharsets.UTF_8);

	private final RedisCacheWriter delegate;

	private final CircuitBreaker breaker;

	private final io.replicarouter.cache.CacheStatistics statistics;

	private final Function<String, @Nullable String> keyPrefix;

	private final @Nullable Duration markerTtl;

	private final Set<String> missedEvictions;

	private final MissedEvictions pending;

	private final ConcurrentHashMap<String, Object> loadLocks = new ConcurrentHashMap<>();

	/**
	 * Create a writer.
	 * @param delegate the writer that talks to Redis
	 * @param breaker the circuit breaker; {@link #afterCircuitClosed()} runs when it closes
	 * @param statistics where to count
	 * @param keyPrefix the key prefix of each cache, to clear it after missed evictions;
	 * {@code null} when caches share no prefix and cannot be cleared alone
	 * @param markerTtl how long eviction markers live, or {@code null} to refill freely
	 */
	public FailOpenRedisCacheWriter(RedisCacheWriter delegate, CircuitBreaker breaker,
			io.replicarouter.cache.CacheStatistics statistics, Function<String, @Nullable String> keyPrefix,
			@Nullable Duration markerTtl) {
		this(delegate, breaker, statistics, keyPrefix, markerTtl, ConcurrentHashMap.newKeySet(),
				new MissedEvictions());
		breaker.onClose(this::afterCircuitClosed);
	}

	private FailOpenRedisCacheWriter(RedisCacheWriter delegate, CircuitBreaker breaker,
			io.replicarouter.cache.CacheStatistics statistics, Function<String, @Nullable String> keyPrefix,
			@Nullable Duration markerTtl, Set<String> missedEvictions, MissedEvictions pending) {
		this.delegate = delegate;
		this.breaker = breaker;
		this.statistics = statistics;
		this.keyPrefix = keyPrefix;
		this.markerTtl = markerTtl;
		this.missedEvictions = missedEvictions;
		this.pending = pending;
	}

	/**
	 * Clear the caches that missed an eviction while Redis was unreachable. Call when the
	 * circuit closes again.
	 */
	public void afterCircuitClosed() {
		replayMissedEvictions();
	}

	/**
	 * Evict again what could not be evicted while Redis failed: the keys one by one, and
	 * whole caches whose backlog overflowed or that missed evictions while the circuit was
	 * open. Runs after the next successful Redis call.
	 */
	private void replayMissedEvictions() {
		if (!this.pending.startReplay()) {
			return;
		}
		try {
			MissedEvictions.Key key;
			while ((key = this.pending.poll()) != null) {
				try {
					this.delegate.evictIfPresent(key.cache(), key.key());
				}
				catch (RuntimeException ex) {
					this.pending.add(key.cache(), key.key());
					throw ex;
				}
			}
			this.missedEvictions.addAll(this.pending.drainOverflowed());
			clearCachesThatMissedEvictions();
		}
		catch (RuntimeException ex) {
			this.breaker.onFailure(ex);
		}
		finally {
			this.pending.endReplay();
		}
	}

	private void clearCachesThatMissedEvictions() {
		for (String name : Set.copyOf(this.missedEvictions)) {
			String prefix = this.keyPrefix.apply(name);
			if (prefix == null || prefix.isEmpty()) {
				this.missedEvictions.remove(name);
				logger.warn("Cache '" + name + "' missed evictions while Redis was unreachable and has no key prefix "
						+ "to clear it by: its entries may be stale until they expire");
				continue;
			}
			try {
				this.delegate.clear(name, (prefix + "*").getBytes(StandardCharsets.UTF_8));
				this.missedEvictions.remove(name);
				logger.info("Cleared cache '" + name + "': it missed evictions while Redis was unreachable");
			}
			catch (RuntimeException ex) {
				logger.warn("Could not clear cache '" + name + "' after Redis came back: " + ex.getMessage());
			}
		}
	}

	@Override
	public byte @Nullable [] get(String name, byte[] key) {
		return get(name, key, (Duration) null);
	}

	@Override
	public byte @Nullable [] get(String name, byte[] key, @Nullable Duration ttl) {
		io.replicarouter.cache.CacheStatistics.Counters counters = this.statistics.of(name);
		if (!this.breaker.allowRequest()) {
			counters.skipped.increment();
			counters.misses.increment();
			ReadPositions.startTracking();
			return null;
		}
		try {
			byte[] value = (ttl != null) ? this.delegate.get(name, key, ttl) : this.delegate.get(name, key);
			succeeded();
			if (value != null) {
				counters.hits.increment();
				return value;
			}
			counters.misses.increment();
		}
		catch (RuntimeException ex) {
			failed(name, ex);
			counters.misses.increment();
		}
		ReadPositions.startTracking();
		return null;
	}

	@Override
	public byte[] get(String name, byte[] key, Supplier<byte[]> valueLoader, @Nullable Duration ttl,
			boolean timeToIdleEnabled) {
		byte[] cached = get(name, key, ttl);
		if (cached != null) {
			return cached;
		}
		String lockKey = name + '\u0000' + new String(key, StandardCharsets.ISO_8859_1);
		Object lock = this.loadLocks.computeIfAbsent(lockKey, (k) -> new Object());
		try {
			synchronized (lock) {
				cached = get(name, key, ttl);
				if (cached != null) {
					return cached;
				}
				byte[] loaded = valueLoader.get();
				put(name, key, loaded, ttl);
				return loaded;
			}
		}
		finally {
			this.loadLocks.remove(lockKey, lock);
		}
	}

	@Override
	public boolean supportsAsyncRetrieve() {
		return this.delegate.supportsAsyncRetrieve();
	}

	@Override
	public CompletableFuture<byte @Nullable []> retrieve(String name, byte[] key, @Nullable Duration ttl) {
		io.replicarouter.cache.CacheStatistics.Counters counters = this.statistics.of(name);
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
		WalPosition readPosition = ReadPositions.stopTracking();
		io.replicarouter.cache.CacheStatistics.Counters counters = this.statistics.of(name);
		if (!this.breaker.allowRequest()) {
			counters.skipped.increment();
			return;
		}
		try {
			if (this.markerTtl == null || readPosition.equals(WalPosition.CURRENT)) {
				this.delegate.put(name, key, value, ttl);
			}
			else if (!guardedPut(key, value, ttl, readPosition)) {
				refused(name, counters, readPosition);
			}
			succeeded();
		}
		catch (RuntimeException ex) {
			failed(name, ex);
		}
	}

	private boolean guardedPut(byte[] key, byte[] value, @Nullable Duration ttl, WalPosition readPosition) {
		long ttlMillis = (ttl != null && !ttl.isNegative()) ? ttl.toMillis() : 0;
		Long stored = this.delegate.execute((connection) -> connection.scriptingCommands()
			.eval(GUARDED_PUT, ReturnType.INTEGER, 2, key, markerKey(key), value,
					Long.toString(ttlMillis).getBytes(StandardCharsets.US_ASCII),
					Long.toString(markerValue(readPosition, 0)).getBytes(StandardCharsets.US_ASCII)));
		return stored != null && stored == 1L;
	}

	private static void refused(String name, io.replicarouter.cache.CacheStatistics.Counters counters,
			WalPosition readPosition) {
		counters.refusedRefills.increment();
		if (logger.isDebugEnabled()) {
			logger.debug("Not caching a value of '" + name + "' read from a replica at " + readPosition
					+ ", behind the write that evicted it");
		}
	}

	@Override
	public CompletableFuture<Void> store(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		WalPosition readPosition = ReadPositions.stopTracking();
		if (!mayPut(name, key, readPosition)) {
			return CompletableFuture.completedFuture(null);
		}
		return this.delegate.store(name, key, value, ttl).handle((result, ex) -> {
			if (ex != null) {
				failed(name, ex);
			}
			else {
				succeeded();
			}
			return null;
		});
	}

	@Override
	public byte @Nullable [] putIfAbsent(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		WalPosition readPosition = ReadPositions.stopTracking();
		if (!mayPut(name, key, readPosition)) {
			return null;
		}
		try {
			byte[] existing = this.delegate.putIfAbsent(name, key, value, ttl);
			succeeded();
			return existing;
		}
		catch (RuntimeException ex) {
			failed(name, ex);
			return null;
		}
	}

	private boolean mayPut(String name, byte[] key, WalPosition readPosition) {
		io.replicarouter.cache.CacheStatistics.Counters counters = this.statistics.of(name);
		if (!this.breaker.allowRequest()) {
			counters.skipped.increment();
			return false;
		}
		if (this.markerTtl == null || readPosition.equals(WalPosition.CURRENT)) {
			return true;
		}
		try {
			byte[] marker = this.delegate.get(name, markerKey(key));
			succeeded();
			if (marker == null) {
				return true;
			}
			long evictedAt = Long.parseLong(new String(marker, StandardCharsets.US_ASCII));
			if (markerValue(readPosition, 0) >= evictedAt) {
				return true;
			}
			counters.refusedRefills.increment();
			if (logger.isDebugEnabled()) {
				logger.debug("Not caching a value of '" + name + "' read from a replica at " + readPosition
						+ ", behind the write at " + evictedAt + " that evicted it");
			}
			return false;
		}
		catch (NumberFormatException ex) {
			return false;
		}
		catch (RuntimeException ex) {
			failed(name, ex);
			return false;
		}
	}

	@Override
	public void remove(String name, byte[] key) {
		evict(name, key);
	}

	@Override
	public void evict(String name, byte[] key) {
		if (!this.breaker.allowRequest()) {
			missedEviction(name, key);
			return;
		}
		try {
			markEvicted(name, key);
			// Spring Data Redis evicts asynchronously with Lettuce; an eviction after commit
			// must be done when the call returns, before the caller (or a reader) goes on.
			this.delegate.evictIfPresent(name, key);
			succeeded();
		}
		catch (RuntimeException ex) {
			failed(name, ex);
			missedEviction(name, key);
		}
	}

	@Override
	public boolean evictIfPresent(String name, byte[] key) {
		if (!this.breaker.allowRequest()) {
			missedEviction(name, key);
			return false;
		}
		try {
			markEvicted(name, key);
			boolean evicted = this.delegate.evictIfPresent(name, key);
			succeeded();
			return evicted;
		}
		catch (RuntimeException ex) {
			failed(name, ex);
			missedEviction(name, key);
			return false;
		}
	}

	private void markEvicted(String name, byte[] key) {
		if (this.markerTtl == null) {
			return;
		}
		// Without the write's position, only data read on the primary may refill the key.
		long evictedAt = markerValue(ConsistencyScope.current().token().position(), Long.MAX_VALUE - 1);
		this.delegate.put(name, markerKey(key), Long.toString(evictedAt).getBytes(StandardCharsets.US_ASCII),
				this.markerTtl);
	}

	/**
	 * Return a position as the number markers and the guarded put compare in Redis:
	 * {@link WalPosition#CURRENT} as the largest number, an unknown position as the given
	 * value.
	 */
	private static long markerValue(WalPosition position, long unknown) {
		if (position.equals(WalPosition.CURRENT)) {
			return Long.MAX_VALUE;
		}
		return position.isKnown() ? position.toLong() : unknown;
	}

	@Override
	public void clean(String name, byte[] pattern) {
		clear(name, pattern);
	}

	@Override
	public void clear(String name, byte[] pattern) {
		if (!this.breaker.allowRequest()) {
			missedEviction(name);
			return;
		}
		try {
			this.delegate.clear(name, pattern);
			succeeded();
		}
		catch (RuntimeException ex) {
			failed(name, ex);
			missedEviction(name);
		}
	}

	@Override
	public boolean invalidate(String name, byte[] pattern) {
		clear(name, pattern);
		return true;
	}

	private void succeeded() {
		this.breaker.onSuccess();
		if (this.pending.hasWork() || !this.missedEvictions.isEmpty()) {
			replayMissedEvictions();
		}
	}

	private void missedEviction(String name) {
		this.statistics.of(name).skipped.increment();
		this.missedEvictions.add(name);
	}

	private void missedEviction(String name, byte[] key) {
		this.statistics.of(name).skipped.increment();
		this.pending.add(name, key);
	}

	private void failed(String name, Throwable ex) {
		this.statistics.of(name).errors.increment();
		this.breaker.onFailure(ex);
	}

	/**
	 * The marker of a key: {@code replica-router:evicted:{<key>}}. The key as a hash tag puts
	 * the marker in the key's slot on Redis Cluster, so one script can read and write both.
	 */
	private static byte[] markerKey(byte[] key) {
		byte[] marker = new byte[MARKER_PREFIX.length + key.length + MARKER_SUFFIX.length];
		System.arraycopy(MARKER_PREFIX, 0, marker, 0, MARKER_PREFIX.length);
		System.arraycopy(key, 0, marker, MARKER_PREFIX.length, key.length);
		System.arraycopy(MARKER_SUFFIX, 0, marker, MARKER_PREFIX.length + key.length, MARKER_SUFFIX.length);
		return marker;
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
				this.statistics, this.keyPrefix, this.markerTtl, this.missedEvictions, this.pending);
	}

	@Override
	public <T> T execute(Function<RedisConnection, T> callback) {
		return this.delegate.execute(callback);
	}

}
