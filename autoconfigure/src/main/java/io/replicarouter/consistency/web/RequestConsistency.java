package io.replicarouter.consistency.web;

import io.replicarouter.consistency.ConsistencyScope;
import io.replicarouter.consistency.ConsistencyToken;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

/**
 * The consistency state of one web request, kept in a request attribute so that the
 * later filter (store key) and the dispatch that completes an asynchronous request find
 * it.
 * <p>
 * Threads other than the one serving the request may share its scope and write; the
 * response is touched only by the thread serving the request, while it does, and never
 * once the request completed (containers recycle response objects). Tokens from other
 * threads wait for that thread: its next write, the response's commit, the end of the
 * dispatch, or the dispatch that completes an asynchronous request.
 */
final class RequestConsistency {

	static final String ATTRIBUTE = RequestConsistency.class.getName();

	private final ConsistencyScopeFilter filter;

	private @Nullable ConsistencyScope scope;

	private HttpServletRequest request;

	private HttpServletResponse response;

	private @Nullable Thread servingThread;

	private boolean completed;

	private boolean wrote;

	private ConsistencyToken latest = ConsistencyToken.EMPTY;

	private ConsistencyToken written = ConsistencyToken.EMPTY;

	private ConsistencyToken saved = ConsistencyToken.EMPTY;

	private @Nullable String key;

	private boolean loaded;

	RequestConsistency(ConsistencyScopeFilter filter, HttpServletRequest request, HttpServletResponse response) {
		this.filter = filter;
		this.request = request;
		this.response = response;
		this.servingThread = Thread.currentThread();
	}

	static @Nullable RequestConsistency of(ServletRequest request) {
		return (request.getAttribute(ATTRIBUTE) instanceof RequestConsistency state) ? state : null;
	}

	synchronized void attach(ConsistencyScope scope) {
		this.scope = scope;
	}

	synchronized @Nullable ConsistencyScope scope() {
		return this.scope;
	}

	/**
	 * A write advanced the scope's token, on any thread sharing the scope.
	 */
	void tokenAdvanced(ConsistencyToken token) {
		String saveKey;
		ConsistencyToken toSave;
		synchronized (this) {
			this.wrote = true;
			this.latest = this.latest.merge(token);
			if (isServingThread()) {
				writeResponse();
				resolveKey();
			}
			saveKey = this.key;
			toSave = takeUnsaved();
		}
		save(saveKey, toSave);
	}

	/**
	 * The thread serving the request is about to commit the response: hand the latest
	 * token to the client while it still can.
	 */
	synchronized void beforeCommit() {
		if (isServingThread()) {
			writeResponse();
		}
	}

	/**
	 * The current thread starts serving the request (again, after asynchronous
	 * processing).
	 */
	synchronized void dispatchStarted(HttpServletResponse response) {
		this.servingThread = Thread.currentThread();
		this.response = response;
		writeResponse();
	}

	/**
	 * A later filter sees the request as the application does (after security and session
	 * filters): find the store key there, and load the stored token.
	 */
	void storeRequest(HttpServletRequest request) {
		String loadKey = null;
		String saveKey;
		ConsistencyToken toSave;
		synchronized (this) {
			if (!isServingThread()) {
				return;
			}
			this.request = request;
			resolveKey();
			if (this.key != null && !this.loaded) {
				this.loaded = true;
				loadKey = this.key;
			}
			saveKey = this.key;
			toSave = takeUnsaved();
		}
		if (loadKey != null) {
			ConsistencyToken stored = this.filter.load(loadKey);
			ConsistencyScope current = scope();
			if (current != null) {
				current.require(stored);
			}
		}
		save(saveKey, toSave);
	}

	/**
	 * The current thread stops serving the request: write what is pending, and unless the
	 * request goes on asynchronously, never touch the response again.
	 * @param asyncStarted whether the request goes on asynchronously
	 */
	void dispatchEnded(boolean asyncStarted) {
		String saveKey;
		ConsistencyToken toSave;
		boolean keyMissing;
		synchronized (this) {
			if (!isServingThread()) {
				return;
			}
			writeResponse();
			resolveKey();
			saveKey = this.key;
			toSave = takeUnsaved();
			this.servingThread = null;
			this.completed = !asyncStarted;
			keyMissing = this.completed && this.wrote && this.key == null;
		}
		save(saveKey, toSave);
		if (keyMissing) {
			this.filter.storeKeyMissing();
		}
	}

	private boolean isServingThread() {
		return !this.completed && this.servingThread == Thread.currentThread();
	}

	private void writeResponse() {
		if (!this.latest.isEmpty() && !this.latest.equals(this.written) && !this.response.isCommitted()) {
			this.filter.writeToken(this.response, this.latest);
			this.written = this.latest;
		}
	}

	private void resolveKey() {
		if (this.key == null) {
			this.key = this.filter.storeKey(this.request);
		}
	}

	private ConsistencyToken takeUnsaved() {
		if (this.key == null || this.latest.isEmpty() || this.latest.equals(this.saved)) {
			return ConsistencyToken.EMPTY;
		}
		this.saved = this.latest;
		return this.latest;
	}

	private void save(@Nullable String key, ConsistencyToken token) {
		if (key != null && !token.isEmpty()) {
			this.filter.save(key, token);
		}
	}

}
