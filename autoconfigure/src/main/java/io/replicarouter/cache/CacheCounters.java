package io.replicarouter.cache;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

/**
 * What the cache layer did, per cache: hits, misses, errors, calls skipped while the
 * circuit was open, refills refused because the data came from a replica behind an
 * eviction, and entries that could not be read back or written. (Not Spring Data Redis's
 * {@code CacheStatistics}, which counts what its own writer did.)
 */
public class CacheCounters {

	private final Map<String, Counters> byCache = new ConcurrentHashMap<>();

	private volatile @Nullable BiConsumer<String, Counters> onNewCache;

	/**
	 * Return the counters of a cache, creating them on first use.
	 * @param cache the cache name
	 * @return its counters
	 */
	public Counters of(String cache) {
		Counters counters = this.byCache.get(cache);
		if (counters != null) {
			return counters;
		}
		return this.byCache.computeIfAbsent(cache, (name) -> {
			Counters created = new Counters();
			BiConsumer<String, Counters> listener = this.onNewCache;
			if (listener != null) {
				listener.accept(name, created);
			}
			return created;
		});
	}

	/**
	 * Call the listener for every cache seen so far and for every new one.
	 * @param listener receives a cache name and its counters
	 */
	public synchronized void forEachCache(BiConsumer<String, Counters> listener) {
		this.onNewCache = listener;
		this.byCache.forEach(listener);
	}

	/**
	 * The counters of one cache.
	 */
	public static final class Counters {

		final LongAdder hits = new LongAdder();

		final LongAdder misses = new LongAdder();

		final LongAdder errors = new LongAdder();

		final LongAdder skipped = new LongAdder();

		final LongAdder refusedRefills = new LongAdder();

		final LongAdder unreadable = new LongAdder();

		final LongAdder unwritable = new LongAdder();

		/**
		 * Return the hits.
		 * @return the count
		 */
		public long hits() {
			return this.hits.sum();
		}

		/**
		 * Return the misses, including gets skipped while the circuit was open.
		 * @return the count
		 */
		public long misses() {
			return this.misses.sum();
		}

		/**
		 * Return the Redis calls that failed.
		 * @return the count
		 */
		public long errors() {
			return this.errors.sum();
		}

		/**
		 * Return the Redis calls skipped because the circuit was open.
		 * @return the count
		 */
		public long skipped() {
			return this.skipped.sum();
		}

		/**
		 * Return the puts refused because the value was read from a replica that had not
		 * replayed the write that evicted the key.
		 * @return the count
		 */
		public long refusedRefills() {
			return this.refusedRefills.sum();
		}

		/**
		 * Return the entries that could not be read back (another format, a type outside
		 * the allow-list): each was evicted and treated as a miss.
		 * @return the count
		 */
		public long unreadable() {
			return this.unreadable.sum();
		}

		/**
		 * Return the values not cached because they could not have been read back.
		 * @return the count
		 */
		public long unwritable() {
			return this.unwritable.sum();
		}

	}

}
