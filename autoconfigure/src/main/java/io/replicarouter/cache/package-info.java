/**
 * The Redis cache layer: fail-open access with a circuit breaker, and a guard against
 * refilling the cache from replicas that have not replayed the write that evicted it.
 */
@NullMarked
package io.replicarouter.cache;

import org.jspecify.annotations.NullMarked;
