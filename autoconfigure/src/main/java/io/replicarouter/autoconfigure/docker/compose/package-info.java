/**
 * Replicas declared as Docker Compose services.
 */
@NullMarked
package io.replicarouter.autoconfigure.docker.compose;

import org.jspecify.annotations.NullMarked;
