package io.replicarouter.consistency;

import java.time.Duration;
import java.util.Optional;

/**
 * Keeps consistency tokens between requests for clients that cannot carry them, keyed by
 * session or user.
 */
public interface ConsistencyTokenStore {

	/**
	 * Load the token stored under a key.
	 * @param key the key
	 * @return the token, or empty when none is stored or it cannot be read
	 */
	Optional<ConsistencyToken> load(String key);

	/**
	 * Store a token under a key until it expires. Implementations shared by several
	 * application instances should merge with the token already stored
	 * ({@link ConsistencyToken#merge}), so that concurrent saves never move a key back to an
	 * older position.
	 * @param key the key
	 * @param token the token
	 * @param ttl how long to keep it
	 */
	void save(String key, ConsistencyToken token, Duration ttl);

}
