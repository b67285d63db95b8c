package io.replicarouter.cache;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.serializer.SerializationException;
import org.springframework.util.ClassUtils;

/**
 * Cache values as JSON, with two promises the JSON serializer alone does not keep: a value
 * that could not be read back (a type outside the allow-list, one Jackson cannot create) is
 * never written, and an entry that cannot be read (another format, for example Java
 * serialization from before this cache layer) fails with an
 * {@link UnreadableCacheValueException} that says what it is and how to fix it.
 * <p>
 * Spring Data's {@code PageImpl} is cached too, when Spring Data Commons is on the class
 * path: its content, page, size, sort and total are written in a form of this cache's own
 * and read back as a {@code PageImpl}.
 */
public class CacheValueSerializer implements RedisSerializer<Object> {

	/**
	 * Packages whose types are always read back.
	 */
	public static final List<String> ALWAYS_TRUSTED = List.of("java.lang", "java.util", "java.time", "java.math");

	private static final boolean SPRING_DATA_PAGE_PRESENT = ClassUtils
		.isPresent("org.springframework.data.domain.PageImpl", CacheValueSerializer.class.getClassLoader());

	private static final Pattern CLASS_NAME = Pattern.compile("\"@class\"\\s*:\\s*\"([^\"]+)\"");

	private final RedisSerializer<Object> json;

	/**
	 * Create a serializer.
	 * @param json the JSON serializer, with type information and the allow-list
	 */
	public CacheValueSerializer(RedisSerializer<Object> json) {
		this.json = json;
	}

	/**
	 * Create a serializer that reads back types of the given packages (and their
	 * sub-packages), of {@link #ALWAYS_TRUSTED}, and Spring Data's {@code PageImpl}.
	 * @param trustedPackages the packages to trust besides those always trusted
	 * @return the serializer
	 */
	public static CacheValueSerializer trusting(Collection<String> trustedPackages) {
		List<String> packages = new ArrayList<>(ALWAYS_TRUSTED);
		packages.addAll(trustedPackages);
		// Type information is needed to read values back as their classes; only trusted
		// packages may be named in it.
		BasicPolymorphicTypeValidator.Builder validator = BasicPolymorphicTypeValidator.builder();
		for (String name : packages) {
			validator.allowIfSubType(name + ".");
		}
		validator.allowIfSubTypeIsArray();
		if (SPRING_DATA_PAGE_PRESENT) {
			validator.allowIfSubType((context, type) -> CachedPageModule.isPage(type));
		}
		GenericJacksonJsonRedisSerializer json = GenericJacksonJsonRedisSerializer.builder()
			.enableDefaultTyping(validator.build())
			.enableSpringCacheNullValueSupport()
			.customize((mapper) -> {
				if (SPRING_DATA_PAGE_PRESENT) {
					mapper.addModule(new CachedPageModule());
				}
			})
			.build();
		return new CacheValueSerializer(json);
	}

	@Override
	public byte @Nullable [] serialize(@Nullable Object value) {
		byte[] bytes;
		try {
			bytes = this.json.serialize(value);
		}
		catch (RuntimeException ex) {
			throw (value != null) ? unwritable(value, ex) : ex;
		}
		if (bytes != null && value != null) {
			try {
				// Reading it back costs a parse per put (puts follow misses); a value that
				// cannot be read back would otherwise fail every read for a whole TTL.
				this.json.deserialize(bytes);
			}
			catch (RuntimeException ex) {
				throw unwritable(value, ex);
			}
		}
		return bytes;
	}

	private static UnreadableCacheValueException unwritable(Object value, RuntimeException ex) {
		UnreadableCacheValueException typeProblem = typeProblem(ex);
		return (typeProblem != null) ? typeProblem
				: new UnreadableCacheValueException(value.getClass().getName(), Reason.NOT_READABLE, ex);
	}

	@Override
	public @Nullable Object deserialize(byte @Nullable [] bytes) {
		try {
			return this.json.deserialize(bytes);
		}
		catch (RuntimeException ex) {
			if (bytes != null && isJavaSerialization(bytes)) {
				throw new UnreadableCacheValueException(javaSerializedType(bytes), Reason.JAVA_SERIALIZATION, ex);
			}
			UnreadableCacheValueException typeProblem = typeProblem(ex);
			if (typeProblem != null) {
				throw typeProblem;
			}
			// Not a type Jackson cannot create: every value written here was read back first.
			String type = namedType(bytes);
			throw new UnreadableCacheValueException((type != null) ? type : "a value that is not this cache's JSON",
					Reason.OTHER_FORMAT, ex);
		}
	}

	/**
	 * The type Jackson denied or does not know, which may be nested in the value (a
	 * page's content), or {@code null} when the failure names none.
	 */
	private static @Nullable UnreadableCacheValueException typeProblem(RuntimeException ex) {
		InvalidTypeIdException typeId = find(ex, InvalidTypeIdException.class);
		if (typeId == null || typeId.getTypeId() == null) {
			return null;
		}
		return new UnreadableCacheValueException(typeId.getTypeId(), reasonFor(typeId), ex);
	}

	private static Reason reasonFor(InvalidTypeIdException ex) {
		String message = ex.getMessage();
		return (message != null && message.contains("PolymorphicTypeValidator")) ? Reason.UNTRUSTED_TYPE
				: Reason.OTHER_FORMAT;
	}

	private static boolean isJavaSerialization(byte[] bytes) {
		return bytes.length > 1 && (bytes[0] & 0xFF) == 0xAC && (bytes[1] & 0xFF) == 0xED;
	}

	/**
	 * The class of a Java-serialized object: after the stream header, an object (0x73)
	 * starts with its class descriptor (0x72), a length and the class name; a string is
	 * 0x74 or 0x7C.
	 */
	private static String javaSerializedType(byte[] bytes) {
		if (bytes.length > 4 && ((bytes[4] & 0xFF) == 0x74 || (bytes[4] & 0xFF) == 0x7C)) {
			return "java.lang.String (Java-serialized)";
		}
		if (bytes.length > 8 && (bytes[4] & 0xFF) == 0x73 && (bytes[5] & 0xFF) == 0x72) {
			int length = ((bytes[6] & 0xFF) << 8) | (bytes[7] & 0xFF);
			if (bytes.length >= 8 + length) {
				return new String(bytes, 8, length, StandardCharsets.UTF_8) + " (Java-serialized)";
			}
		}
		return "a Java-serialized value";
	}

	private static @Nullable String namedType(byte @Nullable [] bytes) {
		if (bytes == null) {
			return null;
		}
		String text = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8);
		Matcher matcher = CLASS_NAME.matcher(text);
		return matcher.find() ? matcher.group(1) : null;
	}

	private static <T extends Throwable> @Nullable T find(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	/**
	 * Why a value cannot be read back.
	 */
	enum Reason {

		/**
		 * Written with Java serialization, Boot's default format.
		 */
		JAVA_SERIALIZATION,

		/**
		 * Names a type outside the allow-list.
		 */
		UNTRUSTED_TYPE,

		/**
		 * A trusted type Jackson cannot write or create.
		 */
		NOT_READABLE,

		/**
		 * Not this cache's JSON, or a type this application does not have: written by
		 * another application or version.
		 */
		OTHER_FORMAT

	}

	/**
	 * A cache value that cannot be read back, or would not be.
	 */
	public static class UnreadableCacheValueException extends SerializationException {

		private final String type;

		private final Reason reason;

		UnreadableCacheValueException(String type, Reason reason, Throwable cause) {
			super("Cache value of type " + type + " cannot be read back: " + cause.getMessage(), cause);
			this.type = type;
			this.reason = reason;
		}

		/**
		 * Return the type that cannot be read back (possibly nested in the value), or what
		 * the entry looks like when it names none.
		 * @return the description
		 */
		public String type() {
			return this.type;
		}

		/**
		 * Return whether the same type will fail again: a value of it cannot be cached
		 * until the application or its settings change. An entry in another format is
		 * simply replaced.
		 * @return whether values of the type are refused
		 */
		public boolean isTypeRefused() {
			return this.reason == Reason.UNTRUSTED_TYPE || this.reason == Reason.NOT_READABLE;
		}

		/**
		 * Return how to fix it, for a log message.
		 * @return the advice
		 */
		public String fix() {
			return switch (this.reason) {
				case JAVA_SERIALIZATION -> "it was written in Spring Boot's default (Java serialization) format, "
						+ "probably by an earlier version of the application; such entries are replaced as they are "
						+ "read, or delete them at once (redis-cli --scan --pattern '<cache>::*' | xargs redis-cli "
						+ "unlink)";
				case UNTRUSTED_TYPE -> "its package is not trusted: add it to 'replica-router.cache.trusted-packages' "
						+ "if you trust it (the application's own packages are trusted already); until then values "
						+ "of this type are not cached";
				case NOT_READABLE -> "Jackson cannot write it or create it again from JSON: cache a record or a class "
						+ "with a creator (@JsonCreator) instead; until then values of this type are not cached";
				case OTHER_FORMAT -> "it was not written in this cache's format (another application, or a version "
						+ "of this one with other types, wrote it); such entries are replaced as they are read";
			};
		}

	}

}
