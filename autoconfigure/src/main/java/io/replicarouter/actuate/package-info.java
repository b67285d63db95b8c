/**
 * Actuator support: health indicators for replication and pool saturation, and the
 * {@code replication} endpoint. Everything here reads cached state; nothing borrows a
 * connection or runs a query.
 */
@NullMarked
package io.replicarouter.actuate;

import org.jspecify.annotations.NullMarked;
