/**
 * Replicas declared as Testcontainers service connections.
 */
@NullMarked
package io.replicarouter.autoconfigure.testcontainers;

import org.jspecify.annotations.NullMarked;
