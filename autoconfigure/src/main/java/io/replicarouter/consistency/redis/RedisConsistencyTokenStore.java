package io.replicarouter.consistency.redis;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

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

	/**
	 * Create a store.
	 * @param redis the template
	 * @param keyPrefix prefix of the keys
	 */
	public RedisConsistencyTokenStore(StringRedisTemplate redis, String keyPrefix) {
		this.redis = redis;
		this.keyPrefix = keyPrefix;
	}

	@Override
	public Optional<ConsistencyToken> load(String key) {
		return ConsistencyToken.parse(this.redis.opsForValue().get(this.keyPrefix + key));
	}

	@Override
	public void save(String key, ConsistencyToken token, Duration ttl) {
		if (token.isEmpty()) {
			return;
		}
		this.redis.execute(MERGE, List.of(this.keyPrefix + key), token.encode(),
				Long.toString(Math.max(1, ttl.toMillis())));
	}

}
