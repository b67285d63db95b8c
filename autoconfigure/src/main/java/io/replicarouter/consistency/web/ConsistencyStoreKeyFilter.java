package io.replicarouter.consistency.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Finds the {@link io.replicarouter.consistency.ConsistencyTokenStore} key of a request
 * where the application finds its user and session: after the security and session
 * filters, which run after {@link ConsistencyScopeFilter} (that one must come first, so
 * their own reads already see the client's writes). Loads the stored token into the
 * request's scope, and saves what the request wrote while the user and session are still
 * known. Does nothing for requests that {@link ConsistencyScopeFilter} did not scope.
 */
public class ConsistencyStoreKeyFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		RequestConsistency consistency = RequestConsistency.of(request);
		if (consistency == null) {
			chain.doFilter(request, response);
			return;
		}
		consistency.storeRequest(request);
		try {
			chain.doFilter(request, response);
		}
		finally {
			consistency.storeRequest(request);
		}
	}

}
