package io.replicarouter.consistency;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * Read-your-writes across threads, processes and application instances: capture a token
 * after writing, apply it before reading. For web requests the auto-configured filter
 * does this through a cookie or header; use this for messaging, batch jobs and the like.
 *
 * <pre class="code">
 * // producer, after the transaction that wrote committed
 * message.setHeader("consistency", ReadYourWrites.token());
 * // consumer
 * ReadYourWrites.withToken(message.getHeader("consistency"), () -&gt; handle(message));
 * </pre>
 */
public final class ReadYourWrites {

	private ReadYourWrites() {
	}

	/**
	 * Return the current scope's token in text form.
	 * @return the token, empty when the scope has not written
	 */
	public static String token() {
		return ConsistencyScope.current().token().encode();
	}

	/**
	 * Run code in a new scope that requires what the token requires. A malformed token is
	 * ignored.
	 * @param <T> the result type
	 * @param token the token text, may be {@code null}
	 * @param work the code
	 * @return its result
	 */
	public static <T> T withToken(@Nullable String token, Supplier<T> work) {
		try (ConsistencyScope.Opened opened = ConsistencyScope
			.open(ConsistencyToken.parse(token).orElse(ConsistencyToken.EMPTY), null)) {
			return work.get();
		}
	}

	/**
	 * Run code in a new scope that requires what the token requires. A malformed token is
	 * ignored.
	 * @param token the token text, may be {@code null}
	 * @param work the code
	 */
	public static void runWithToken(@Nullable String token, Runnable work) {
		withToken(token, () -> {
			work.run();
			return null;
		});
	}

}
