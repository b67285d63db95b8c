package io.replicarouter.consistency.web;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.replicarouter.consistency.ConsistencyScope;
import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.consistency.ConsistencyTokenStore;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives each web request its own consistency scope, so that a client's next request, on
 * this instance or another, reads its own writes.
 * <p>
 * The scope starts from the token the client sent (cookie and/or header) and, with a
 * {@link ConsistencyTokenStore}, the one stored under the client's key. Tokens from
 * clients are untrusted: anything malformed is ignored. When writes advance the scope's
 * token, the response carries it back once, with its latest value: one
 * {@code Set-Cookie} for the cookie, replaced on each write while the response is not
 * committed, and one header; the store gets each advanced token.
 * <p>
 * This filter must run before any other that may read the database, but security and
 * session filters run after it, so the store key (user or session) is found by
 * {@link ConsistencyStoreKeyFilter}, registered after them, and again when a write is
 * recorded. Work that the request hands to other threads shares its scope; only the
 * thread serving the request writes the response, and never after the request completed.
 * The dispatch that completes an asynchronous request (Spring MVC {@code Callable},
 * {@code DeferredResult}) is filtered too, to hand back the final token.
 */
public class ConsistencyScopeFilter extends OncePerRequestFilter {

	private static final Log logger = LogFactory.getLog(ConsistencyScopeFilter.class);

	private final @Nullable String cookieName;

	private final @Nullable String headerName;

	private final boolean cookieSecure;

	private final Duration tokenLifetime;

	private final @Nullable ConsistencyTokenStore store;

	private final Function<HttpServletRequest, @Nullable String> storeKey;

	private final String storeKeyDescription;

	private final AtomicBoolean warnedAboutMissingKey = new AtomicBoolean();

	/**
	 * Create a filter.
	 * @param cookieName the cookie that carries the token, or {@code null} for none
	 * @param headerName the header that carries the token, or {@code null} for none
	 * @param cookieSecure whether the cookie is for HTTPS only
	 * @param tokenLifetime how long a token matters
	 * @param store where tokens are kept by key, or {@code null}
	 * @param storeKey the key of a request in the store, {@code null} when it has none
	 */
	public ConsistencyScopeFilter(@Nullable String cookieName, @Nullable String headerName, boolean cookieSecure,
			Duration tokenLifetime, @Nullable ConsistencyTokenStore store,
			Function<HttpServletRequest, @Nullable String> storeKey) {
		this(cookieName, headerName, cookieSecure, tokenLifetime, store, storeKey, "a key");
	}

	/**
	 * Create a filter.
	 * @param cookieName the cookie that carries the token, or {@code null} for none
	 * @param headerName the header that carries the token, or {@code null} for none
	 * @param cookieSecure whether the cookie is for HTTPS only
	 * @param tokenLifetime how long a token matters
	 * @param store where tokens are kept by key, or {@code null}
	 * @param storeKey the key of a request in the store, {@code null} when it has none
	 * @param storeKeyDescription what a request without a key lacks, for the warning
	 * logged once when a request that wrote had none (for example "an authenticated
	 * user")
	 */
	public ConsistencyScopeFilter(@Nullable String cookieName, @Nullable String headerName, boolean cookieSecure,
			Duration tokenLifetime, @Nullable ConsistencyTokenStore store,
			Function<HttpServletRequest, @Nullable String> storeKey, String storeKeyDescription) {
		this.cookieName = StringUtils.hasText(cookieName) ? cookieName : null;
		this.headerName = StringUtils.hasText(headerName) ? headerName : null;
		this.cookieSecure = cookieSecure;
		this.tokenLifetime = tokenLifetime;
		this.store = store;
		this.storeKey = storeKey;
		this.storeKeyDescription = storeKeyDescription;
	}

	/**
	 * Filter the dispatch that completes an asynchronous request too, to write the token
	 * that work done meanwhile advanced.
	 */
	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		RequestConsistency consistency = RequestConsistency.of(request);
		ConsistencyScope resumed = (consistency != null) ? consistency.scope() : null;
		if (consistency != null && resumed != null && isAsyncDispatch(request)) {
			consistency.dispatchStarted(response);
			try (ConsistencyScope.Opened entered = ConsistencyScope.enter(resumed)) {
				filter(request, response, chain, consistency);
			}
			return;
		}
		consistency = new RequestConsistency(this, request, response);
		ConsistencyToken initial = fromCookie(request).merge(fromHeader(request));
		try (ConsistencyScope.Opened opened = ConsistencyScope.open(initial, consistency::tokenAdvanced)) {
			consistency.attach(opened.scope());
			request.setAttribute(RequestConsistency.ATTRIBUTE, consistency);
			if (this.store != null) {
				// Found here when an earlier filter sets the user; otherwise later.
				consistency.storeRequest(request);
			}
			filter(request, response, chain, consistency);
		}
	}

	private void filter(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
			RequestConsistency consistency) throws ServletException, IOException {
		try {
			chain.doFilter(request, new TokenWritingResponse(response, consistency));
		}
		finally {
			// Spring MVC's view, and the container's for asynchronous servlets of its own.
			consistency.dispatchEnded(isAsyncStarted(request) || request.isAsyncStarted());
		}
	}

	private ConsistencyToken fromCookie(HttpServletRequest request) {
		if (this.cookieName == null || request.getCookies() == null) {
			return ConsistencyToken.EMPTY;
		}
		ConsistencyToken token = ConsistencyToken.EMPTY;
		for (Cookie cookie : request.getCookies()) {
			if (this.cookieName.equals(cookie.getName())) {
				token = token.merge(parse(cookie.getValue()));
			}
		}
		return token;
	}

	private ConsistencyToken fromHeader(HttpServletRequest request) {
		return (this.headerName != null) ? parse(request.getHeader(this.headerName)) : ConsistencyToken.EMPTY;
	}

	private static ConsistencyToken parse(@Nullable String text) {
		ConsistencyToken token = ConsistencyToken.parse(text).orElse(ConsistencyToken.EMPTY);
		if (token.isEmpty() && StringUtils.hasText(text) && logger.isDebugEnabled()) {
			logger.debug("Ignoring a malformed consistency token of " + text.length() + " characters");
		}
		return token;
	}

	/**
	 * Load the token stored under a key.
	 */
	ConsistencyToken load(String key) {
		if (this.store == null) {
			return ConsistencyToken.EMPTY;
		}
		try {
			return this.store.load(key).orElse(ConsistencyToken.EMPTY);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not load a consistency token; going on without it", ex);
			return ConsistencyToken.EMPTY;
		}
	}

	/**
	 * Store a token under a key.
	 */
	void save(String key, ConsistencyToken token) {
		if (this.store == null) {
			return;
		}
		try {
			this.store.save(key, token, this.tokenLifetime);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not store a consistency token: " + ex.getMessage());
		}
	}

	/**
	 * Return the store key of a request as it is seen now, {@code null} without a store.
	 */
	@Nullable String storeKey(HttpServletRequest request) {
		if (this.store == null) {
			return null;
		}
		try {
			return this.storeKey.apply(request);
		}
		catch (RuntimeException ex) {
			logger.debug("Could not find the consistency token store key of a request", ex);
			return null;
		}
	}

	/**
	 * A request wrote but had no store key: say so once, since every such request misses
	 * cross-instance read-your-writes unless it carries the cookie or header.
	 */
	void storeKeyMissing() {
		if (this.store != null && this.warnedAboutMissingKey.compareAndSet(false, true)) {
			logger.warn("A request wrote to the database without " + this.storeKeyDescription
					+ ", so its consistency token could not be stored: unless the client sends the cookie or header"
					+ " back, other instances may serve its next reads from a replica that has not replayed the write."
					+ " Check 'replica-router.consistency.redis.key' (principal or session) and that the user is"
					+ " authenticated, or the session created, before the request writes."
					+ " Logged once; later requests without a key are not reported.");
		}
	}

	/**
	 * Put the token on the response as its only consistency cookie (replacing one written
	 * before, keeping every other cookie) and header.
	 */
	void writeToken(HttpServletResponse response, ConsistencyToken token) {
		String value = token.encode();
		if (this.cookieName != null) {
			replaceCookie(response, ResponseCookie.from(this.cookieName, value)
				.path("/")
				.httpOnly(true)
				.sameSite("Lax")
				.secure(this.cookieSecure)
				.maxAge(this.tokenLifetime.plusSeconds(1))
				.build()
				.toString());
		}
		if (this.headerName != null) {
			response.setHeader(this.headerName, value);
		}
	}

	private void replaceCookie(HttpServletResponse response, String cookie) {
		String prefix = this.cookieName + "=";
		Collection<String> setCookies = response.getHeaders(HttpHeaders.SET_COOKIE);
		List<String> others = new ArrayList<>(setCookies.size());
		for (String setCookie : setCookies) {
			if (!setCookie.stripLeading().startsWith(prefix)) {
				others.add(setCookie);
			}
		}
		if (others.size() == setCookies.size()) {
			response.addHeader(HttpHeaders.SET_COOKIE, cookie);
			return;
		}
		response.setHeader(HttpHeaders.SET_COOKIE, cookie);
		for (String other : others) {
			response.addHeader(HttpHeaders.SET_COOKIE, other);
		}
	}

}
