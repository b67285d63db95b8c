package io.replicarouter.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.cache.CacheStatistics;
import org.springframework.data.redis.cache.CacheStatisticsCollector;
import org.springframework.data.redis.cache.RedisCacheWriter;

/**
 * A {@link RedisCacheWriter} over a map, for unit tests of what happens above the writer
 * (serialization, decoration, counting); against a real Redis see the integration tests.
 */
public class InMemoryRedisCacheWriter implements RedisCacheWriter {

	private final Map<String, byte[]> entries = new ConcurrentHashMap<>();

	/**
	 * Return the entry stored under a full key, for example {@code prices::1}.
	 * @param key the key
	 * @return the bytes, or {@code null}
	 */
	public byte @Nullable [] entry(String key) {
		return this.entries.get(key);
	}

	/**
	 * Store bytes under a full key, as another writer would have.
	 * @param key the key
	 * @param value the bytes
	 */
	public void seed(String key, byte[] value) {
		this.entries.put(key, value);
	}

	private static String key(byte[] key) {
		return new String(key, StandardCharsets.UTF_8);
	}

	@Override
	public byte @Nullable [] get(String name, byte[] key) {
		return this.entries.get(key(key));
	}

	@Override
	public CompletableFuture<byte @Nullable []> retrieve(String name, byte[] key, @Nullable Duration ttl) {
		return CompletableFuture.completedFuture(get(name, key));
	}

	@Override
	public void put(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		this.entries.put(key(key), value);
	}

	@Override
	public CompletableFuture<Void> store(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		put(name, key, value, ttl);
		return CompletableFuture.completedFuture(null);
	}

	@Override
	public byte @Nullable [] putIfAbsent(String name, byte[] key, byte[] value, @Nullable Duration ttl) {
		return this.entries.putIfAbsent(key(key), value);
	}

	@Override
	public void evict(String name, byte[] key) {
		this.entries.remove(key(key));
	}

	@Override
	public boolean evictIfPresent(String name, byte[] key) {
		return this.entries.remove(key(key)) != null;
	}

	@Override
	public void clear(String name, byte[] pattern) {
		String prefix = key(pattern).replace("*", "");
		this.entries.keySet().removeIf((key) -> key.startsWith(prefix));
	}

	@Override
	public void clearStatistics(String name) {
	}

	@Override
	public RedisCacheWriter withStatisticsCollector(CacheStatisticsCollector cacheStatisticsCollector) {
		return this;
	}

	@Override
	public CacheStatistics getCacheStatistics(String cacheName) {
		throw new UnsupportedOperationException();
	}

}
