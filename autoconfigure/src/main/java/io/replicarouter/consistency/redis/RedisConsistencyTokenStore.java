package io.replicarouter.consistency.redis;

import java.time.Duration;
import java.util.Optional;

import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.consistency.ConsistencyTokenStore;

import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * Keeps consistency tokens in Redis as plain strings that expire with the token.
 */
public class RedisConsistencyTokenStore implements ConsistencyTokenStore {

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
		this.redis.opsForValue().set(this.keyPrefix + key, token.encode(), ttl);
	}

}
