package io.replicarouter.cache;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Evictions that could not reach Redis, kept to be done once it answers again. Bounded:
 * past {@value #CAPACITY} keys, the caches concerned are marked to be cleared whole.
 * Thread-safe.
 */
final class MissedEvictions {

	static final int CAPACITY = 10_000;

	private final ConcurrentLinkedQueue<Key> keys = new ConcurrentLinkedQueue<>();

	private final AtomicInteger size = new AtomicInteger();

	private final Set<String> overflowed = new HashSet<>();

	private final AtomicBoolean replaying = new AtomicBoolean();

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

	boolean hasWork() {
		if (this.size.get() > 0) {
			return true;
		}
		synchronized (this.overflowed) {
			return !this.overflowed.isEmpty();
		}
	}

	@Nullable Key poll() {
		Key key = this.keys.poll();
		if (key != null) {
			this.size.decrementAndGet();
		}
		return key;
	}

	Set<String> drainOverflowed() {
		synchronized (this.overflowed) {
			Set<String> caches = Set.copyOf(this.overflowed);
			this.overflowed.clear();
			return caches;
		}
	}

	boolean startReplay() {
		return this.replaying.compareAndSet(false, true);
	}

	void endReplay() {
		this.replaying.set(false);
	}

	record Key(String cache, byte[] key) {
	}

}
