package io.replicarouter.consistency;

import java.util.function.Consumer;

import io.replicarouter.WalPosition;
import org.jspecify.annotations.Nullable;

/**
 * The unit within which reads see their own writes: by default the current thread; a web
 * request, a message or a batch step when code opens one with {@link #open}. Holds the
 * scope's {@link ConsistencyToken} and the highest replay position it has read at.
 * <p>
 * WAL positions mean something only for one database cluster, so a scope belongs to the
 * router that first reads or writes through it; another router (another application
 * context in the same JVM, as in test suites) ignores it and, on writing, takes it over.
 * <p>
 * A scope may be shared by several threads: Spring's task executors carry the caller's
 * scope to the threads that run its tasks (see {@code ConsistencyScopeThreadLocalAccessor}),
 * so work handed to {@code @Async} methods reads the caller's writes and the other way
 * round. Its state therefore changes only under its lock, and only ever moves forward;
 * the write listener may be called on any thread that shares the scope.
 */
public final class ConsistencyScope {

	private static final ThreadLocal<ConsistencyScope> CURRENT = ThreadLocal.withInitial(ConsistencyScope::new);

	private volatile ConsistencyToken token = ConsistencyToken.EMPTY;

	private volatile WalPosition seenPosition = WalPosition.ZERO;

	private volatile @Nullable Consumer<ConsistencyToken> onWrite;

	private volatile @Nullable Object owner;

	private final boolean opened;

	private ConsistencyScope() {
		this(false);
	}

	private ConsistencyScope(boolean opened) {
		this.opened = opened;
	}

	/**
	 * Return the scope of the current thread.
	 * @return the current scope
	 */
	public static ConsistencyScope current() {
		return CURRENT.get();
	}

	/**
	 * Make a new scope current on this thread until the returned handle is closed, seeded
	 * with a token (for example one a client sent back).
	 * @param initial what the scope starts from
	 * @param onWrite called each time a write advances the scope's token, for example to
	 * hand the token back to a client, on the thread that wrote: the one that opened the
	 * scope or any thread it was handed to; may be {@code null}
	 * @return a handle that restores the previous scope when closed
	 */
	public static Opened open(ConsistencyToken initial, @Nullable Consumer<ConsistencyToken> onWrite) {
		ConsistencyScope scope = new ConsistencyScope(true);
		scope.token = initial;
		scope.onWrite = onWrite;
		return enter(scope);
	}

	/**
	 * Make an existing scope current on this thread until the returned handle is closed,
	 * for example a web request's scope again on the thread that continues the request
	 * after asynchronous processing.
	 * @param scope the scope
	 * @return a handle that restores the previous scope when closed
	 */
	public static Opened enter(ConsistencyScope scope) {
		ConsistencyScope previous = CURRENT.get();
		CURRENT.set(scope);
		return new Opened(scope, previous);
	}

	/**
	 * Return the scope current on this thread if it matters to other threads: one that was
	 * {@link #open opened}, or a thread's own scope that has recorded anything.
	 * @return the scope, or {@code null}
	 */
	static @Nullable ConsistencyScope currentIfAny() {
		ConsistencyScope scope = CURRENT.get();
		return (scope.opened || scope.owner != null || !scope.token.isEmpty()) ? scope : null;
	}

	/**
	 * Make the given scope current on this thread, or this thread's own when {@code null}.
	 */
	static void setCurrent(@Nullable ConsistencyScope scope) {
		if (scope != null) {
			CURRENT.set(scope);
		}
		else {
			CURRENT.remove();
		}
	}

	/**
	 * Return the scope's token.
	 * @return the token
	 */
	public ConsistencyToken token() {
		return this.token;
	}

	/**
	 * Require what the given token requires, in addition to what the scope already does.
	 * @param other a token, for example from a message
	 */
	public void require(ConsistencyToken other) {
		if (other.isEmpty()) {
			return;
		}
		synchronized (this) {
			this.token = this.token.merge(other);
		}
	}

	/**
	 * Return the highest replica replay position a read of this scope ran at.
	 * @return the position, {@link WalPosition#ZERO} when none
	 */
	public WalPosition seenPosition() {
		return this.seenPosition;
	}

	/**
	 * Return whether the scope belongs to the given router, claiming it if it belongs to
	 * none yet.
	 */
	boolean ownedBy(Object router) {
		Object current = this.owner;
		if (current != null) {
			return current == router;
		}
		synchronized (this) {
			if (this.owner == null) {
				this.owner = router;
			}
			return this.owner == router;
		}
	}

	void recordWrite(Object router, WalPosition position, long writtenAt) {
		ConsistencyToken advanced;
		synchronized (this) {
			if (this.owner != null && this.owner != router) {
				this.token = ConsistencyToken.EMPTY;
				this.seenPosition = WalPosition.ZERO;
			}
			this.owner = router;
			this.token = this.token.merge(new ConsistencyToken(position, writtenAt));
			advanced = this.token;
		}
		// Outside the lock: the listener may do I/O. Listeners on several threads may see
		// tokens out of order, so they merge what they get.
		Consumer<ConsistencyToken> listener = this.onWrite;
		if (listener != null) {
			listener.accept(advanced);
		}
	}

	/**
	 * Forget the scope's token if its write is older than the given time: it requires
	 * nothing any more, and must not be merged into the next one (a token of unknown
	 * position would keep that one on the primary).
	 * @param writtenBefore epoch milliseconds
	 */
	void expireTokenWrittenBefore(long writtenBefore) {
		ConsistencyToken current = this.token;
		if (current.isEmpty() || current.writtenAt() >= writtenBefore) {
			return;
		}
		synchronized (this) {
			if (!this.token.isEmpty() && this.token.writtenAt() < writtenBefore) {
				this.token = ConsistencyToken.EMPTY;
			}
		}
	}

	void recordSeen(Object router, WalPosition replayPosition) {
		if (!replayPosition.isKnown() || this.seenPosition.isAtLeast(replayPosition) || !ownedBy(router)) {
			return;
		}
		synchronized (this) {
			if (this.owner == router && !this.seenPosition.isAtLeast(replayPosition)) {
				this.seenPosition = replayPosition;
			}
		}
	}

	/**
	 * A scope opened with {@link ConsistencyScope#open}; closing it makes the previous
	 * scope current again.
	 */
	public static final class Opened implements AutoCloseable {

		private final ConsistencyScope scope;

		private final ConsistencyScope previous;

		private Opened(ConsistencyScope scope, ConsistencyScope previous) {
			this.scope = scope;
			this.previous = previous;
		}

		/**
		 * Return the opened scope.
		 * @return the scope
		 */
		public ConsistencyScope scope() {
			return this.scope;
		}

		@Override
		public void close() {
			CURRENT.set(this.previous);
		}

	}

}
