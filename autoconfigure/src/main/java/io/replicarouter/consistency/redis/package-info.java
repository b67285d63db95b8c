/**
 * A Redis-backed store for consistency tokens.
 */
@NullMarked
package io.replicarouter.consistency.redis;

import org.jspecify.annotations.NullMarked;
