package io.replicarouter.consistency.web;

import java.io.IOException;
import java.time.Duration;
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
 * {@link ConsistencyTokenStore}, the one stored under the client's key. Each time a write
 * advances the scope's token, the token is written back at once, while the response is
 * not yet committed: as a cookie and/or header, and to the store. Tokens from clients are
 * untrusted: anything malformed is ignored.
 */
public class ConsistencyScopeFilter extends OncePerRequestFilter {

	private static final Log logger = LogFactory.getLog(ConsistencyScopeFilter.class);

	private final @Nullable String cookieName;

	private final @Nullable String headerName;

	private final boolean cookieSecure;

	private final Duration tokenLifetime;

	private final @Nullable ConsistencyTokenStore store;

	private final Function<HttpServletRequest, @Nullable String> storeKey;

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
		this.cookieName = StringUtils.hasText(cookieName) ? cookieName : null;
		this.headerName = StringUtils.hasText(headerName) ? headerName : null;
		this.cookieSecure = cookieSecure;
		this.tokenLifetime = tokenLifetime;
		this.store = store;
		this.storeKey = storeKey;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String key = (this.store != null) ? this.storeKey.apply(request) : null;
		ConsistencyToken initial = fromCookie(request).merge(fromHeader(request)).merge(fromStore(key));
		try (ConsistencyScope.Opened opened = ConsistencyScope.open(initial,
				(token) -> writeBack(response, key, token))) {
			chain.doFilter(request, response);
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

	private ConsistencyToken fromStore(@Nullable String key) {
		if (key == null || this.store == null) {
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

	private static ConsistencyToken parse(@Nullable String text) {
		ConsistencyToken token = ConsistencyToken.parse(text).orElse(ConsistencyToken.EMPTY);
		if (token.isEmpty() && StringUtils.hasText(text) && logger.isDebugEnabled()) {
			logger.debug("Ignoring a malformed consistency token of " + text.length() + " characters");
		}
		return token;
	}

	private void writeBack(HttpServletResponse response, @Nullable String key, ConsistencyToken token) {
		String value = token.encode();
		if (!response.isCommitted()) {
			if (this.cookieName != null) {
				ResponseCookie cookie = ResponseCookie.from(this.cookieName, value)
					.path("/")
					.httpOnly(true)
					.sameSite("Lax")
					.secure(this.cookieSecure)
					.maxAge(this.tokenLifetime.plusSeconds(1))
					.build();
				response.addHeader(HttpHeaders.SET_COOKIE, cookie.toString());
			}
			if (this.headerName != null) {
				response.setHeader(this.headerName, value);
			}
		}
		if (key != null && this.store != null) {
			try {
				this.store.save(key, token, this.tokenLifetime);
			}
			catch (RuntimeException ex) {
				logger.warn("Could not store a consistency token: " + ex.getMessage());
			}
		}
	}

}
