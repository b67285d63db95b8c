package io.replicarouter.cache;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.serializer.SerializationException;

/**
 * Cache values as JSON, with two promises the JSON serializer alone does not keep: a value
 * that could not be read back (a type outside the allow-list, one Jackson cannot create,
 * such as Spring Data's {@code PageImpl}) is never written, and an entry that cannot be read
 * (another format, for example Java serialization from before this cache layer) fails with
 * an {@link UnreadableCacheValueException} that says what it is and how to fix it.
 */
public class CacheValueSerializer implements RedisSerializer<Object> {

	private static final Pattern CLASS_NAME = Pattern.compile("\"@class\"\\s*:\\s*\"([^\"]+)\"");

	private final RedisSerializer<Object> json;

	/**
	 * Create a serializer.
	 * @param json the JSON serializer, with type information and the allow-list
	 */
	public CacheValueSerializer(RedisSerializer<Object> json) {
		this.json = json;
	}

	@Override
	public byte @Nullable [] serialize(@Nullable Object value) {
		byte[] bytes = this.json.serialize(value);
		if (bytes != null && value != null) {
			try {
				// Reading it back costs a parse per put (puts follow misses); a value that
				// cannot be read back would otherwise fail every read for a whole TTL.
				this.json.deserialize(bytes);
			}
			catch (RuntimeException ex) {
				throw new UnreadableCacheValueException(value.getClass().getName(), false, ex);
			}
		}
		return bytes;
	}

	@Override
	public @Nullable Object deserialize(byte @Nullable [] bytes) {
		try {
			return this.json.deserialize(bytes);
		}
		catch (RuntimeException ex) {
			throw new UnreadableCacheValueException(describe(bytes), isJavaSerialization(bytes), ex);
		}
	}

	private static boolean isJavaSerialization(byte @Nullable [] bytes) {
		return bytes != null && bytes.length > 1 && (bytes[0] & 0xFF) == 0xAC && (bytes[1] & 0xFF) == 0xED;
	}

	private static String describe(byte @Nullable [] bytes) {
		if (bytes == null || isJavaSerialization(bytes)) {
			return "a Java-serialized value";
		}
		String text = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8);
		Matcher matcher = CLASS_NAME.matcher(text);
		return matcher.find() ? matcher.group(1) : "a value that is not this cache's JSON";
	}

	/**
	 * A cache value that cannot be read back, or would not be.
	 */
	public static class UnreadableCacheValueException extends SerializationException {

		private final String type;

		private final boolean javaSerialization;

		UnreadableCacheValueException(String type, boolean javaSerialization, Throwable cause) {
			super("Cache value of type " + type + " cannot be read back: " + cause.getMessage(), cause);
			this.type = type;
			this.javaSerialization = javaSerialization;
		}

		/**
		 * Return the value's type, or what the entry looks like when it has none.
		 * @return the description
		 */
		public String type() {
			return this.type;
		}

		/**
		 * Return how to fix it, for a log message.
		 * @return the advice
		 */
		public String fix() {
			if (this.javaSerialization) {
				return "it was written in Spring Boot's default (Java serialization) format, probably by an earlier "
						+ "version of the application; such entries are replaced as they are read, or delete them "
						+ "at once (redis-cli --scan --pattern '<cache>::*' | xargs redis-cli unlink)";
			}
			if (this.type.startsWith("org.springframework.data.domain.")) {
				return "Jackson cannot read back a Page; cache a record of its content and totals instead";
			}
			return "add its package to 'replica-router.cache.trusted-packages' if you trust it, or cache a type "
					+ "Jackson can read back (a record or a class with a creator)";
		}

	}

}
