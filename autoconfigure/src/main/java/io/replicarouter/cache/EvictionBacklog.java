package io.replicarouter.cache;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.cache.RedisCacheWriter;

/**
 * Evictions that could not reach Redis, done once it answers again, so that nothing
 * evicted is served after an outage: the keys one by one, and whole caches that missed a
 * clear or whose backlog passed {@value #CAPACITY} keys. Thread-safe.
 */
final class EvictionBacklog {

	private static final Log logger = LogFactory.getLog(EvictionBacklog.class);

	static final int CAPACITY = 10_000;

	private final RedisCacheWriter redis;

	private final Function<String, @Nullable String> keyPrefix;

	private final ConcurrentLinkedQueue<Key> keys = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	private final Set<String> overflowed = new HashSet<>();

	private final Set<String> toClear = ConcurrentHashMap.newKeySet();

	private final AtomicBoolean replaying = new AtomicBoolean();

	/**
	 * @param redis the writer that talks to Redis
	 * @param keyPrefix the key prefix of each cache, to clear it whole; {@code null} when
	 * caches share no prefix and cannot be cleared alone
	 */
	EvictionBacklog(RedisCacheWriter redis, Function<String, @Nullable String> keyPrefix) {
		this.redis = redis;
		this.keyPrefix = keyPrefix;
	}

	void add(String cache, byte[] key) {
		if (this.size.incrementAndGet() > CAPACITY) {
			this.size.decrementAndGet();
			synchronized (this.overflowed) {
				this.overflowed.add(cache);
			}
			return;
		}
		this.keys.add(new Key(cache, key));
	}

	void addClear(String cache) {
		this.toClear.add(cache);
	}

	boolean hasWork() {
		if (this.size.get() > 0 || !this.toClear.isEmpty()) {
			return true;
		}
		synchronized (this.overflowed) {
			return !this.overflowed.isEmpty();
		}
	}

	/**
	 * Do the backlog, unless another thread is doing it.
	 * @throws RuntimeException when Redis fails again; what is left stays in the backlog
	 */
	void replay() {
		if (!this.replaying.compareAndSet(false, true)) {
			return;
		}
		try {
			Key key;
			while ((key = this.keys.poll()) != null) {
				this.size.decrementAndGet();
				try {
					this.redis.evictIfPresent(key.cache(), key.key());
				}
				catch (RuntimeException ex) {
					add(key.cache(), key.key());
					throw ex;
				}
			}
			synchronized (this.overflowed) {
				this.toClear.addAll(this.overflowed);
				this.overflowed.clear();
			}
			clearCaches();
		}
		finally {
			this.replaying.set(false);
		}
	}

	private void clearCaches() {
		for (String name : Set.copyOf(this.toClear)) {
			String prefix = this.keyPrefix.apply(name);
			if (prefix == null || prefix.isEmpty()) {
				this.toClear.remove(name);
				logger.warn("Cache '" + name + "' missed evictions while Redis was unreachable and has no key prefix "
						+ "to clear it by: its entries may be stale until they expire");
				continue;
			}
			try {
				this.redis.clear(name, (prefix + "*").getBytes(StandardCharsets.UTF_8));
				this.toClear.remove(name);
				logger.info("Cleared cache '" + name + "': it missed evictions while Redis was unreachable");
			}
			catch (RuntimeException ex) {
				logger.warn("Could not clear cache '" + name + "' after Redis came back: " + ex.getMessage());
			}
		}
	}

	record Key(String cache, byte[] key) {
	}

}
