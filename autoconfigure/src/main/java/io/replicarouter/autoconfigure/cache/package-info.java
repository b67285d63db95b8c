/**
 * Auto-configuration of the Redis cache layer.
 */
@NullMarked
package io.replicarouter.autoconfigure.cache;

import org.jspecify.annotations.NullMarked;
