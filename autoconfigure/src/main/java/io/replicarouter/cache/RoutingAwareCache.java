package io.replicarouter.cache;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.transaction.TransactionAwareCacheDecorator;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A Redis cache as replica-router serves it, in front of Spring Data's {@code RedisCache}:
 * <ul>
 * <li>each put carries the {@link ReadProvenance} of the invocation that made it, captured
 * when Spring makes the put and handed to the writer's guarded put, also when the put is
 * deferred to after commit;</li>
 * <li>puts, evictions and clears inside a transaction happen after it commits (as Spring's
 * {@code TransactionAwareCacheDecorator} does), never for a rolled-back one;</li>
 * <li>an entry that cannot be read back is a miss: evicted, counted, logged once per
 * cache; a value that could not be read back is not cached;</li>
 * <li>{@code @Cacheable(sync = true)}: one load per key and instance at a time, behind a
 * {@link ReentrantLock} (no carrier pinning on virtual threads).</li>
 * </ul>
 * A {@link TransactionAwareCacheDecorator}, so that what unwraps Spring's decorator (Boot's
 * cache metrics) finds the Redis cache behind it; every method is its own.
 */
public class RoutingAwareCache extends TransactionAwareCacheDecorator {

	private static final int LOCK_STRIPES = 256;

	private final Cache target;

	private final UnreadableEntries unreadable;

	private final ReentrantLock[] loadLocks = new ReentrantLock[LOCK_STRIPES];

	RoutingAwareCache(Cache target, UnreadableEntries unreadable) {
		super(target);
		this.target = target;
		this.unreadable = unreadable;
		for (int i = 0; i < LOCK_STRIPES; i++) {
			this.loadLocks[i] = new ReentrantLock();
		}
	}

	@Override
	public String getName() {
		return this.target.getName();
	}

	@Override
	public Object getNativeCache() {
		return this.target.getNativeCache();
	}

	@Override
	public @Nullable ValueWrapper get(Object key) {
		try {
			return this.target.get(key);
		}
		catch (RuntimeException ex) {
			if (!UnreadableEntries.isSerializationFailure(ex)) {
				throw ex;
			}
			this.unreadable.unreadable(this.target, key, ex);
			return null;
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		ValueWrapper wrapper = get(key);
		Object value = (wrapper != null) ? wrapper.get() : null;
		if (value != null && type != null && !type.isInstance(value)) {
			throw new IllegalStateException("Cached value is not of required type [" + type.getName() + "]: " + value);
		}
		return (T) value;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		ValueWrapper cached = get(key);
		if (cached != null) {
			return (T) cached.get();
		}
		ReentrantLock lock = this.loadLocks[Math.floorMod(key.hashCode(), LOCK_STRIPES)];
		lock.lock();
		try {
			cached = get(key);
			if (cached != null) {
				return (T) cached.get();
			}
			T value;
			try {
				value = valueLoader.call();
			}
			catch (Exception ex) {
				throw new ValueRetrievalException(key, valueLoader, ex);
			}
			put(key, value);
			return value;
		}
		finally {
			lock.unlock();
		}
	}

	@Override
	public @Nullable CompletableFuture<?> retrieve(Object key) {
		CompletableFuture<?> retrieved = this.target.retrieve(key);
		if (retrieved == null) {
			return null;
		}
		return retrieved.handle((value, ex) -> {
			if (ex == null) {
				return value;
			}
			Throwable cause = (ex instanceof java.util.concurrent.CompletionException) ? ex.getCause() : ex;
			if (cause instanceof RuntimeException runtime && UnreadableEntries.isSerializationFailure(runtime)) {
				this.unreadable.unreadable(this.target, key, runtime);
				return null;
			}
			throw (ex instanceof java.util.concurrent.CompletionException completion) ? completion
					: new java.util.concurrent.CompletionException(ex);
		});
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
		CompletableFuture<?> retrieved = retrieve(key);
		CompletableFuture<?> lookup = (retrieved != null) ? retrieved : CompletableFuture.completedFuture(null);
		return lookup.thenCompose((cached) -> {
			if (cached != null) {
				Object value = (cached instanceof ValueWrapper wrapper) ? wrapper.get() : cached;
				return CompletableFuture.completedFuture((T) value);
			}
			// The value is read wherever the supplier runs it: its provenance is unknown.
			return valueLoader.get().thenApply((value) -> {
				putNow(key, value, ReadProvenance.UNKNOWN);
				return value;
			});
		});
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		ReadProvenance provenance = ReadProvenance.ofCurrentInvocation();
		afterCommit(() -> putNow(key, value, provenance));
	}

	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		ReadProvenance provenance = ReadProvenance.ofCurrentInvocation();
		ValueWrapper[] existing = new ValueWrapper[1];
		provenance.during(() -> {
			try {
				existing[0] = this.target.putIfAbsent(key, value);
			}
			catch (RuntimeException ex) {
				if (!UnreadableEntries.isSerializationFailure(ex)) {
					throw ex;
				}
				this.unreadable.unwritable(getName(), ex);
			}
		});
		return existing[0];
	}

	private void putNow(Object key, @Nullable Object value, ReadProvenance provenance) {
		provenance.during(() -> {
			try {
				this.target.put(key, value);
			}
			catch (RuntimeException ex) {
				if (!UnreadableEntries.isSerializationFailure(ex)) {
					throw ex;
				}
				this.unreadable.unwritable(getName(), ex);
			}
		});
	}

	@Override
	public void evict(Object key) {
		afterCommit(() -> this.target.evict(key));
	}

	@Override
	public boolean evictIfPresent(Object key) {
		return this.target.evictIfPresent(key);
	}

	@Override
	public void clear() {
		afterCommit(this.target::clear);
	}

	@Override
	public boolean invalidate() {
		return this.target.invalidate();
	}

	private static void afterCommit(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					action.run();
				}
			});
		}
		else {
			action.run();
		}
	}

}
