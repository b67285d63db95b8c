package io.replicarouter.consistency.web;

import java.io.IOException;
import java.security.Principal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.replicarouter.WalPosition;
import io.replicarouter.consistency.ConsistencyMode;
import io.replicarouter.consistency.ConsistencyScope;
import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.consistency.ConsistencyTokenStore;
import io.replicarouter.testing.MutableClock;
import io.replicarouter.consistency.ScopedConsistencyGuard;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a response carries back, however many writes a request made and on whichever
 * thread, and where the store key of a request is found.
 */
@ExtendWith(OutputCaptureExtension.class)
class ConsistencyScopeFilterTests {

	private static final String COOKIE = "rr-consistency";

	private static final String HEADER = "X-Consistency-Token";

	private final MutableClock clock = new MutableClock();

	private final ScopedConsistencyGuard guard = new ScopedConsistencyGuard(ConsistencyMode.STICKY, Duration.ZERO,
			Duration.ofSeconds(2), Duration.ofSeconds(2), this.clock);

	private final InMemoryStore store = new InMemoryStore();

	@Test
	void aThousandWritesGiveOneCookieAndOneHeaderWithTheLastTokenAndKeepOtherCookies() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		AtomicReference<ConsistencyToken> last = new AtomicReference<>();
		run(filter(null), response, (request, servletResponse) -> {
			servletResponse.addCookie(new Cookie("SESSION", "abc"));
			for (int i = 0; i < 1000; i++) {
				write();
			}
			last.set(ConsistencyScope.current().token());
			servletResponse.getWriter().write("ok");
		});
		assertThat(ourCookies(response)).hasSize(1).first().asString().startsWith(COOKIE + "=" + last.get().encode() + ";");
		assertThat(response.getHeaders("Set-Cookie")).anyMatch((cookie) -> cookie.startsWith("SESSION=abc"));
		assertThat(response.getHeaders(HEADER)).containsExactly(last.get().encode());
	}

	@Test
	void aResponseCommittedEarlyKeepsTheTokenOfTheWritesBeforeTheCommit() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		AtomicReference<ConsistencyToken> beforeCommit = new AtomicReference<>();
		run(filter(null), response, (request, servletResponse) -> {
			write();
			beforeCommit.set(ConsistencyScope.current().token());
			servletResponse.getWriter().write("streaming");
			servletResponse.flushBuffer();
			write();
		});
		assertThat(ourCookies(response)).hasSize(1).first().asString().startsWith(COOKIE + "=" + beforeCommit.get().encode() + ";");
	}

	@Test
	void aWriteOnAnotherThreadReachesTheResponseThroughTheServingThread() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		AtomicReference<ConsistencyToken> token = new AtomicReference<>();
		run(filter(null), response, (request, servletResponse) -> {
			ConsistencyScope scope = ConsistencyScope.current();
			Thread other = new Thread(() -> {
				try (ConsistencyScope.Opened entered = ConsistencyScope.enter(scope)) {
					write();
				}
			});
			other.start();
			join(other);
			assertThat(servletResponse.getHeaders(HEADER)).as("not written by the other thread").isEmpty();
			token.set(scope.token());
			servletResponse.getWriter().write("ok");
		});
		assertThat(response.getHeaders(HEADER)).containsExactly(token.get().encode());
		assertThat(ourCookies(response)).hasSize(1);
	}

	@Test
	void aWriteAfterTheRequestCompletedNeverTouchesTheResponse() throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		AtomicReference<ConsistencyScope> scope = new AtomicReference<>();
		run(filter(null), response, (request, servletResponse) -> {
			write();
			scope.set(ConsistencyScope.current());
		});
		List<String> before = List.copyOf(response.getHeaders("Set-Cookie"));
		String header = response.getHeader(HEADER);
		Thread late = new Thread(() -> {
			try (ConsistencyScope.Opened entered = ConsistencyScope.enter(scope.get())) {
				write();
			}
		});
		late.start();
		join(late);
		assertThat(response.getHeaders("Set-Cookie")).isEqualTo(before);
		assertThat(response.getHeader(HEADER)).isEqualTo(header);
	}

	@Test
	void theStoreKeyIsFoundAfterTheFiltersThatSetTheUser() throws Exception {
		this.store.save("principal:alice", new ConsistencyToken(WalPosition.of(7), this.clock.millis()), Duration.ofSeconds(2));
		ConsistencyScopeFilter filter = filter(this.store);
		AtomicReference<ConsistencyToken> atStart = new AtomicReference<>();
		HttpServlet servlet = servlet((request, response) -> {
			atStart.set(ConsistencyScope.current().token());
			write();
		});
		new MockFilterChain(servlet, filter, authenticating("alice"), new ConsistencyStoreKeyFilter())
			.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse());
		assertThat(atStart.get().position()).as("loaded from the store").isEqualTo(WalPosition.of(7));
		assertThat(this.store.saved).containsKey("principal:alice");
		assertThat(this.store.saved.get("principal:alice").writtenAt()).isGreaterThan(atStart.get().writtenAt());
	}

	@Test
	void writesWithoutAStoreKeyAreReportedOnce(CapturedOutput output) throws Exception {
		ConsistencyScopeFilter filter = filter(this.store);
		for (int i = 0; i < 3; i++) {
			new MockFilterChain(servlet((request, response) -> write()), filter, new ConsistencyStoreKeyFilter())
				.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse());
		}
		assertThat(output.toString().split("replica-router.consistency.redis.key", -1)).hasSize(2);
		assertThat(this.store.saved).isEmpty();
	}

	@Test
	void readsWithoutAStoreKeyAreNotReported(CapturedOutput output) throws Exception {
		new MockFilterChain(servlet((request, response) -> { }), filter(this.store), new ConsistencyStoreKeyFilter())
			.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse());
		assertThat(output).doesNotContain("replica-router.consistency.redis.key");
	}

	@Test
	void writesWithoutAStoreAreNotReported(CapturedOutput output) throws Exception {
		new MockFilterChain(servlet((request, response) -> write()), filter(null))
			.doFilter(new MockHttpServletRequest(), new MockHttpServletResponse());
		assertThat(output).doesNotContain("replica-router.consistency.redis.key");
	}

	private ConsistencyScopeFilter filter(@Nullable ConsistencyTokenStore store) {
		return new ConsistencyScopeFilter(COOKIE, HEADER, false, Duration.ofSeconds(2), store, (request) -> {
			Principal principal = request.getUserPrincipal();
			return (principal != null) ? "principal:" + principal.getName() : null;
		}, "an authenticated user");
	}

	private void write() {
		this.clock.tick();
		this.guard.afterWrite(null);
	}

	private void run(Filter filter, MockHttpServletResponse response, Handler handler) throws Exception {
		new MockFilterChain(servlet(handler), filter).doFilter(new MockHttpServletRequest(), response);
	}

	private static List<String> ourCookies(MockHttpServletResponse response) {
		return response.getHeaders("Set-Cookie").stream().filter((cookie) -> cookie.startsWith(COOKIE + "=")).toList();
	}

	private static void join(Thread thread) {
		try {
			thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static HttpServlet servlet(Handler handler) {
		return new HttpServlet() {

			@Override
			protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
				handler.handle(request, response);
			}

		};
	}

	private static Filter authenticating(String user) {
		return new OncePerRequestFilter() {

			@Override
			protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
					throws ServletException, IOException {
				chain.doFilter(new HttpServletRequestWrapper(request) {

					@Override
					public Principal getUserPrincipal() {
						return () -> user;
					}

				}, response);
			}

		};
	}

	@FunctionalInterface
	interface Handler {

		void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;

	}

	static final class InMemoryStore implements ConsistencyTokenStore {

		final Map<String, ConsistencyToken> saved = new ConcurrentHashMap<>();

		@Override
		public Optional<ConsistencyToken> load(String key) {
			return Optional.ofNullable(this.saved.get(key));
		}

		@Override
		public void save(String key, ConsistencyToken token, Duration ttl) {
			this.saved.merge(key, token, ConsistencyToken::merge);
		}

	}

}
