package io.replicarouter.cache;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.cache.Cache;

/**
 * What to do about entries that cannot be read back, and values that would not be: count
 * them, log once per cache at WARN with the type and the fix (whichever of the two comes
 * first: one message per cache, not one per path), and evict the entry without leaving an
 * eviction marker (no write replaced it: the method's result may refill it at once).
 */
final class UnreadableEntries {

	private static final Log logger = LogFactory.getLog(UnreadableEntries.class);

	private static final ThreadLocal<Boolean> EVICTING = new ThreadLocal<>();

	private static final String ONCE = ". This is logged once per cache; replica.router.cache.unreadable and "
			+ "replica.router.cache.unwritable count every entry and value.";

	private final CacheCounters counters;

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	UnreadableEntries(CacheCounters counters) {
		this.counters = counters;
	}

	/**
	 * An entry could not be read: evict it and count it; the caller treats it as a miss.
	 */
	void unreadable(Cache cache, Object key, RuntimeException ex) {
		CacheCounters.Counters counters = this.counters.of(cache.getName());
		counters.unreadable.increment();
		// The writer counted the bytes it returned as a hit; nothing was served from them.
		counters.hits.decrement();
		counters.misses.increment();
		if (this.warned.add(cache.getName())) {
			logger.warn("Cache '" + cache.getName() + "' holds an entry it cannot read back (" + type(ex) + "): "
					+ "it is evicted and the method runs against the database. Fix: " + fix(ex) + ONCE);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Evicting unreadable entry " + key + " of cache '" + cache.getName() + "'", ex);
		}
		EVICTING.set(Boolean.TRUE);
		try {
			cache.evictIfPresent(key);
		}
		catch (RuntimeException evictFailed) {
			logger.debug("Could not evict an unreadable entry", evictFailed);
		}
		finally {
			EVICTING.remove();
		}
	}

	/**
	 * A value could not be written (it would not have been read back): count it.
	 */
	void unwritable(String cache, RuntimeException ex) {
		this.counters.of(cache).unwritable.increment();
		if (this.warned.add(cache)) {
			logger.warn("Cache '" + cache + "' was given a value it could not read back (" + type(ex)
					+ "): it is not cached, the method's result is returned as is. Fix: " + fix(ex) + ONCE);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("Not caching a value of cache '" + cache + "' it could not read back", ex);
		}
	}

	static boolean isEvicting() {
		return EVICTING.get() != null;
	}

	static boolean isSerializationFailure(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof org.springframework.data.redis.serializer.SerializationException
					|| cause instanceof tools.jackson.core.JacksonException) {
				return true;
			}
		}
		return false;
	}

	private static String type(RuntimeException ex) {
		CacheValueSerializer.UnreadableCacheValueException unreadable = find(ex);
		return (unreadable != null) ? unreadable.type() : ex.getClass().getName() + ": " + ex.getMessage();
	}

	private static String fix(RuntimeException ex) {
		CacheValueSerializer.UnreadableCacheValueException unreadable = find(ex);
		return (unreadable != null) ? unreadable.fix()
				: "check that the cache's serializer can read the values it writes";
	}

	private static CacheValueSerializer.@org.jspecify.annotations.Nullable UnreadableCacheValueException find(
			Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof CacheValueSerializer.UnreadableCacheValueException unreadable) {
				return unreadable;
			}
		}
		return null;
	}

}
