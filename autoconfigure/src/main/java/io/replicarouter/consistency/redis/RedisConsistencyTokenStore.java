package io.replicarouter.consistency.redis;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.consistency.ConsistencyTokenStore;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Keeps consistency tokens in Redis as plain strings that expire with the token.
 * <p>
 * A save merges with the token already stored, in one atomic step on the server: two
 * requests of the same user served at once by two instances each save what their scope
 * saw, and the later save must not replace a newer position with an older one.
 * <p>
 * Calls go through a {@link CircuitBreaker}: while it is open the store is not called, a
 * load finds no token and a save is dropped, as when a call fails.
 */
public class RedisConsistencyTokenStore implements ConsistencyTokenStore {

	/**
	 * Keeps the larger WAL position and the later write time of the stored and the new
	 * token, as {@link ConsistencyToken#merge} does: an unknown position ({@code u}) wins.
	 * Known ones are hexadecimal without leading zeros, so the longer one is larger, and
	 * among equal lengths the one that sorts last; no conversion to Lua's floating-point
	 * numbers, which would lose precision on large positions.
	 */
	private static final RedisScript<String> MERGE = RedisScript.of("""
			local function larger(a, b)
			  if #a ~= #b then
			    if #a > #b then return a else return b end
			  end
			  if a > b then return a else return b end
			end
			local function position(a, b)
			  if a == 'u' or b == 'u' then return 'u' end
			  return larger(a, b)
			end
			local token = ARGV[1]
			local stored = redis.call('GET', KEYS[1])
			if stored then
			  local _, _, storedLsn, storedAt = string.find(stored, '^1%.(%w+)%.(%x+)$')
			  local _, _, lsn, at = string.find(token, '^1%.(%w+)%.(%x+)$')
			  if storedLsn and lsn then
			    token = '1.' .. position(storedLsn, lsn) .. '.' .. larger(storedAt, at)
			  end
			end
			redis.call('SET', KEYS[1], token, 'PX', ARGV[2])
			return token
			""", String.class);

	private final StringRedisTemplate redis;

	private final String keyPrefix;

	private final CircuitBreaker breaker;

	/**
	 * Create a store with a circuit breaker of its own (3 failures, 5 seconds).
	 * @param redis the template
	 * @param keyPrefix prefix of the keys
	 */
	public RedisConsistencyTokenStore(StringRedisTemplate redis, String keyPrefix) {
		this(redis, keyPrefix, new CircuitBreaker("consistency token store", 3, Duration.ofSeconds(5)));
	}

	/**
	 * Create a store.
	 * @param redis the template
	 * @param keyPrefix prefix of the keys
	 * @param breaker the circuit breaker in front of Redis
	 */
	public RedisConsistencyTokenStore(StringRedisTemplate redis, String keyPrefix, CircuitBreaker breaker) {
		this.redis = redis;
		this.keyPrefix = keyPrefix;
		this.breaker = breaker;
	}

	/**
	 * Return the circuit breaker in front of Redis.
	 * @return the breaker
	 */
	public CircuitBreaker circuitBreaker() {
		return this.breaker;
	}

	@Override
	public Optional<ConsistencyToken> load(String key) {
		if (!this.breaker.allowRequest()) {
			return Optional.empty();
		}
		try {
			String stored = this.redis.opsForValue().get(this.keyPrefix + key);
			this.breaker.onSuccess();
			return ConsistencyToken.parse(stored);
		}
		catch (RuntimeException ex) {
			this.breaker.onFailure(ex);
			throw ex;
		}
	}

	@Override
	public void save(String key, ConsistencyToken token, Duration ttl) {
		if (token.isEmpty() || !this.breaker.allowRequest()) {
			return;
		}
		try {
			this.redis.execute(MERGE, List.of(this.keyPrefix + key), token.encode(),
					Long.toString(Math.max(1, ttl.toMillis())));
			this.breaker.onSuccess();
		}
		catch (RuntimeException ex) {
			this.breaker.onFailure(ex);
			throw ex;
		}
	}

}
