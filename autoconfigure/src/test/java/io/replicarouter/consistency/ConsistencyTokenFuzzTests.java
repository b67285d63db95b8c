package io.replicarouter.consistency;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import io.replicarouter.WalPosition;
import io.replicarouter.consistency.web.ConsistencyScopeFilter;
import jakarta.servlet.http.Cookie;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Client-supplied consistency tokens are untrusted: tens of thousands of random and
 * hostile values (raw bytes, huge strings, overflowing hex, negative and future values,
 * unicode, header injection) never raise an exception, and no token, forged or not, holds
 * a scope's reads back for longer than the documented bound: it is honoured at most from
 * 5 s (clock skew) before its date until the token lifetime after it, so for at most the
 * lifetime plus 5 s, whatever LSN it names.
 */
class ConsistencyTokenFuzzTests {

	private static final long NOW = 1_763_000_000_000L;

	private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(7);

	private static final Duration STICKY_WINDOW = Duration.ofSeconds(2);

	private static final long BOUND_MILLIS = TOKEN_LIFETIME.toMillis() + 5_000;

	private static final int CASES = 50_000;

	private final Random random = new Random(0x5EC0_0010L);

	@Test
	void parsingNeverThrowsAndKeepsOnlyWellFormedTokens() {
		for (String text : hostileTexts()) {
			Optional<ConsistencyToken> token = ConsistencyToken.parse(text);
			token.ifPresent((parsed) -> {
				assertThat(parsed.position().isKnown() || parsed.isPositionUnknown()).as(text).isTrue();
				assertThat(parsed.writtenAt()).as(text).isPositive();
				assertThat(parsed.isEmpty()).isFalse();
				assertThat(ConsistencyToken.parse(parsed.encode())).contains(parsed);
			});
		}
	}

	@Test
	void everyWellFormedTokenRoundTrips() {
		for (int i = 0; i < CASES; i++) {
			ConsistencyToken token = new ConsistencyToken(WalPosition.of(this.random.nextLong() & (Long.MAX_VALUE - 1)),
					1 + (this.random.nextLong() & (Long.MAX_VALUE - 1)));
			assertThat(ConsistencyToken.parse(token.encode())).contains(token);
		}
	}

	@Test
	void noTokenPinsReadsBeyondTheBound() {
		AtomicLong clockMillis = new AtomicLong(NOW);
		Clock clock = new Clock() {

			@Override
			public Instant instant() {
				return Instant.ofEpochMilli(clockMillis.get());
			}

			@Override
			public ZoneOffset getZone() {
				return ZoneOffset.UTC;
			}

			@Override
			public Clock withZone(java.time.ZoneId zone) {
				return this;
			}

		};
		List<ScopedConsistencyGuard> guards = List.of(
				new ScopedConsistencyGuard(ConsistencyMode.LSN, Duration.ofMillis(50), STICKY_WINDOW, TOKEN_LIFETIME,
						clock),
				new ScopedConsistencyGuard(ConsistencyMode.STICKY, Duration.ZERO, STICKY_WINDOW, TOKEN_LIFETIME,
						clock));
		List<ConsistencyToken> tokens = new ArrayList<>();
		for (String text : hostileTexts()) {
			ConsistencyToken.parse(text).ifPresent(tokens::add);
		}
		for (int i = 0; i < CASES; i++) {
			// Well-formed tokens around now: the ones that matter, forged LSNs included.
			long lsn = switch (i % 4) {
				case 0 -> Long.MAX_VALUE - 1;
				case 1 -> Long.MAX_VALUE - 2;
				case 2 -> this.random.nextLong() & (Long.MAX_VALUE - 1);
				default -> this.random.nextInt(1 << 30);
			};
			tokens.add(new ConsistencyToken(WalPosition.of(lsn), NOW + this.random.nextLong(-20_000, 20_000)));
		}
		for (ConsistencyToken token : tokens) {
			for (ScopedConsistencyGuard guard : guards) {
				long[] times = { NOW, token.writtenAt() - BOUND_MILLIS + TOKEN_LIFETIME.toMillis() - 1,
						token.writtenAt() + TOKEN_LIFETIME.toMillis() + 1, NOW + this.random.nextLong(-30_000, 30_000) };
				try (ConsistencyScope.Opened opened = ConsistencyScope.open(token, null)) {
					for (long time : times) {
						clockMillis.set(time);
						WalPosition required = guard.requiredPosition();
						if (!required.equals(WalPosition.ZERO)) {
							// Honoured only from 5 s before the token's date to its lifetime after.
							assertThat(time).as("%s honoured at %d", token, time)
								.isBetween(token.writtenAt() - 5_000, token.writtenAt() + TOKEN_LIFETIME.toMillis());
						}
					}
				}
			}
		}
	}

	@Test
	void filterNeverFailsOnHostileCookiesOrHeaders() throws Exception {
		ScopedConsistencyGuard guard = new ScopedConsistencyGuard(ConsistencyMode.LSN, Duration.ZERO, STICKY_WINDOW,
				TOKEN_LIFETIME, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
		ConsistencyScopeFilter filter = new ConsistencyScopeFilter("rr-consistency", "X-Consistency-Token", true,
				TOKEN_LIFETIME, null, (request) -> null);
		int served = 0;
		for (String text : hostileTexts()) {
			MockHttpServletRequest request = new MockHttpServletRequest("GET", "/orders");
			request.addHeader("X-Consistency-Token", text);
			request.addHeader("X-Consistency-Token", text + text);
			request.setCookies(new Cookie("rr-consistency", "x"), new Cookie("rr-consistency", text),
					new Cookie("rr-consistency", "1.1.1"));
			MockHttpServletResponse response = new MockHttpServletResponse();
			List<WalPosition> required = new ArrayList<>();
			filter.doFilter(request, response, new MockFilterChain(new jakarta.servlet.http.HttpServlet() {

				@Override
				protected void service(jakarta.servlet.http.HttpServletRequest req,
						jakarta.servlet.http.HttpServletResponse res) {
					required.add(guard.requiredPosition());
				}

			}));
			assertThat(response.getStatus()).as(text).isEqualTo(200);
			assertThat(required).hasSize(1);
			WalPosition requirement = required.get(0);
			assertThat(requirement).isNotEqualTo(WalPosition.CURRENT);
			assertThat(response.getHeader("Set-Cookie")).as("nothing is echoed without a write").isNull();
			assertThat(response.getHeader("X-Consistency-Token")).isNull();
			served++;
		}
		assertThat(served).isGreaterThan(CASES);
	}

	private List<String> hostileTexts() {
		Random texts = new Random(0x70_4E45L);
		List<String> all = new ArrayList<>(List.of("", " ", "1", "1.", "1..", "1.0.0", "1.-1.5", "1.5.-1",
				"1.ffffffffffffffff.ffffffffffffffff", "1.8000000000000000.1", "1.1.8000000000000000",
				"1.10000000000000000.1", "1.7fffffffffffffff.7fffffffffffffff", "1.0.1", "2.1.1", "1.1.1\r\nSet-Cookie: a=b",
				"1.1.1\nX-Injected: 1", "1.a.b%0d%0aLocation:%20evil", "1.A.B", "1.a.b ", " 1.a.b", "1.a.b.c",
				"1.١٢٣.١", "1.ａ.ｂ", "1.a\u0000.b", "\u202e1.a.b", "${jndi:ldap://x}", "'; drop table x; --",
				"1." + "f".repeat(16) + "." + "0".repeat(15) + "1", "1." + "0".repeat(40) + ".1", "1.1." + "9".repeat(17),
				"x".repeat(1 << 20), "1.".repeat(100_000)));
		for (int i = 0; i < CASES; i++) {
			all.add(switch (i % 5) {
				case 0 -> randomBytes(texts, texts.nextInt(64));
				case 1 -> randomUnicode(texts, texts.nextInt(48));
				case 2 -> "1." + hex(texts, texts.nextInt(20)) + "." + hex(texts, texts.nextInt(20));
				case 3 -> texts.nextInt(3) + "." + texts.nextLong() + "." + texts.nextLong();
				default -> "1." + Long.toHexString(texts.nextLong()) + "." + Long.toHexString(texts.nextLong())
						+ ((texts.nextBoolean()) ? "" : "\r\n" + randomUnicode(texts, 8));
			});
		}
		return all;
	}

	private static String randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	private static String randomUnicode(Random random, int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			text.appendCodePoint(random.nextInt(Character.MAX_CODE_POINT + 1));
		}
		return text.toString();
	}

	private static String hex(Random random, int length) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < length; i++) {
			text.append("0123456789abcdefABCDEF-+ ".charAt(random.nextInt(25)));
		}
		return text.toString();
	}

}
