package io.replicarouter.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.replicarouter.WalPosition;
import io.replicarouter.consistency.ConsistencyScope;
import org.jspecify.annotations.Nullable;

import org.springframework.data.redis.cache.RedisCacheWriter;
import org.springframework.data.redis.connection.RedisStringCommands.SetOption;
import org.springframework.data.redis.connection.ReturnType;
import org.springframework.data.redis.core.types.Expiration;

/**
 * Keeps values that a write has replaced out of the cache. An eviction leaves, for
 * {@code markerTtl}, a marker next to the key with the WAL position of the evicting write
 * and the time of the eviction. A put then goes through one Redis script that checks the
 * marker and writes, so no eviction can slip in between: it is refused when the value was
 * read from a replica that had not replayed the marker's position, or on the primary by a
 * read that began before the eviction (less {@value #CLOCK_SKEW_MILLIS} ms for clocks of
 * different instances), or with an unknown provenance.
 */
final class RefillGuard {

	/**
	 * How far clocks of two instances may differ: a primary read that began this long after
	 * an eviction still counts as possibly older.
	 */
	static final long CLOCK_SKEW_MILLIS = 1000;

	private static final byte[] MARKER_PREFIX = "replica-router:evicted:{".getBytes(StandardCharsets.UTF_8);

	private static final byte[] MARKER_SUFFIX = "}".getBytes(StandardCharsets.UTF_8);

	/**
	 * KEYS: the key, its marker. ARGV: the value, the TTL in milliseconds (0 for none), the
	 * read position (-1 unknown, 9223372036854775807 the primary), the read's start time,
	 * 1 to put only if absent. Returns '1' when put, '0' when refused, 'E' and the existing
	 * value when absent-only found one.
	 */
	private static final byte[] GUARDED_PUT = ("""
			local marker = redis.call('GET', KEYS[2])
			if marker then
			  local at, evictedAt = string.match(marker, '^(%d+):(%d+)$')
			  if not at then at = marker; evictedAt = '0' end
			  local read = tonumber(ARGV[3])
			  if read < 0 then return '0' end
			  if read == 9223372036854775807 then
			    if tonumber(ARGV[4]) < tonumber(evictedAt) + """ + CLOCK_SKEW_MILLIS + """
			 then return '0' end
			  elseif tonumber(at) > read then return '0' end
			end
			if ARGV[5] == '1' then
			  local existing = redis.call('GET', KEYS[1])
			  if existing then return 'E' .. existing end
			end
			if tonumber(ARGV[2]) > 0 then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
			else redis.call('SET', KEYS[1], ARGV[1]) end
			return '1'
			""").getBytes(StandardCharsets.UTF_8);

	private final RedisCacheWriter redis;

	private final Duration markerTtl;

	RefillGuard(RedisCacheWriter redis, Duration markerTtl) {
		this.redis = redis;
		this.markerTtl = markerTtl;
	}

	/**
	 * Put a value unless a marker says it may be older than the write that evicted the key.
	 * @return {@code null} when refused, {@link #PUT} when put, or the value already cached
	 * when {@code onlyIfAbsent} found one
	 */
	@Nullable Object put(byte[] key, byte[] value, @Nullable Duration ttl, ReadProvenance provenance,
			boolean onlyIfAbsent) {
		long ttlMillis = (ttl != null && !ttl.isNegative()) ? ttl.toMillis() : 0;
		Object result = this.redis.execute((connection) -> connection.scriptingCommands()
			.eval(GUARDED_PUT, ReturnType.VALUE, 2, key, markerKey(key), value, ascii(ttlMillis),
					ascii(readPosition(provenance.position())), ascii(provenance.startedAt()),
					ascii(onlyIfAbsent ? 1 : 0)));
		if (!(result instanceof byte[] bytes) || bytes.length == 0 || bytes[0] == '0') {
			return null;
		}
		return (bytes[0] == 'E') ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : PUT;
	}

	/**
	 * What {@link #put} returns for a value it wrote.
	 */
	static final Object PUT = new Object();

	/**
	 * Leave the marker of an eviction made now by the current consistency scope.
	 */
	void markEvicted(String name, byte[] key) {
		// Without the write's position, only data read on the primary after now may refill.
		WalPosition written = ConsistencyScope.current().token().position();
		long at = written.equals(WalPosition.CURRENT) || !written.isKnown() ? Long.MAX_VALUE - 1 : written.toLong();
		byte[] marker = (at + ":" + System.currentTimeMillis()).getBytes(StandardCharsets.US_ASCII);
		// Synchronously, on the connection the guarded put uses: Spring Data Redis's put may
		// complete asynchronously, and a put that ran before the marker landed was unguarded.
		this.redis.execute((connection) -> connection.stringCommands()
			.set(markerKey(key), marker, Expiration.from(this.markerTtl), SetOption.upsert()));
	}

	private static long readPosition(WalPosition position) {
		if (position.equals(WalPosition.CURRENT)) {
			return Long.MAX_VALUE;
		}
		return position.isKnown() ? position.toLong() : -1;
	}

	private static byte[] ascii(long value) {
		return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * The marker of a key: {@code replica-router:evicted:{<key>}}. The key as a hash tag puts
	 * the marker in the key's slot on Redis Cluster, so one script can read and write both.
	 */
	static byte[] markerKey(byte[] key) {
		byte[] marker = new byte[MARKER_PREFIX.length + key.length + MARKER_SUFFIX.length];
		System.arraycopy(MARKER_PREFIX, 0, marker, 0, MARKER_PREFIX.length);
		System.arraycopy(key, 0, marker, MARKER_PREFIX.length, key.length);
		System.arraycopy(MARKER_SUFFIX, 0, marker, MARKER_PREFIX.length + key.length, MARKER_SUFFIX.length);
		return marker;
	}

}
