package io.replicarouter.consistency;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * The unit within which reads see their own writes: by default the current thread; a web
 * request, a message or a batch step when code opens one with {@link #open}. Holds the
 * scope's {@link ConsistencyToken} and the highest replay position it has read at.
 * <p>
 * WAL positions mean something only for one database cluster, so a scope belongs to the
 * router that first reads or writes through it; another router (another application
 * context in the same JVM, as in test suites) ignores it and, on writing, takes it over.
 * Used by one thread at a time.
 */
public final class ConsistencyScope {

	private static final ThreadLocal<ConsistencyScope> CURRENT = ThreadLocal.withInitial(ConsistencyScope::new);

	private ConsistencyToken token = ConsistencyToken.EMPTY;

	private long seenLsn = -1;

	private @Nullable Consumer<ConsistencyToken> onWrite;

	private @Nullable Object owner;

	private ConsistencyScope() {
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
	 * @param onWrite called on this thread each time a write advances the scope's token,
	 * for example to hand the token back to a client; may be {@code null}
	 * @return a handle that restores the previous scope when closed
	 */
	public static Opened open(ConsistencyToken initial, @Nullable Consumer<ConsistencyToken> onWrite) {
		ConsistencyScope previous = CURRENT.get();
		ConsistencyScope scope = new ConsistencyScope();
		scope.token = initial;
		scope.onWrite = onWrite;
		CURRENT.set(scope);
		return new Opened(scope, previous);
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
		this.token = this.token.merge(other);
	}

	/**
	 * Return the highest replica replay position a read of this scope ran at.
	 * @return the position, or -1
	 */
	public long seenLsn() {
		return this.seenLsn;
	}

	/**
	 * Return whether the scope belongs to the given router, claiming it if it belongs to
	 * none yet.
	 */
	boolean ownedBy(Object router) {
		if (this.owner == null) {
			this.owner = router;
		}
		return this.owner == router;
	}

	void recordWrite(Object router, long lsn, long writtenAt) {
		if (!ownedBy(router)) {
			this.owner = router;
			this.token = ConsistencyToken.EMPTY;
			this.seenLsn = -1;
		}
		this.token = this.token.merge(new ConsistencyToken(lsn, writtenAt));
		Consumer<ConsistencyToken> listener = this.onWrite;
		if (listener != null) {
			listener.accept(this.token);
		}
	}

	void recordSeen(Object router, long replayLsn) {
		if (ownedBy(router) && replayLsn > this.seenLsn) {
			this.seenLsn = replayLsn;
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
