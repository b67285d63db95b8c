/**
 * Replica health: a background monitor that probes every node, computes replication lag
 * and decides which replicas are in rotation; and the balancing strategies.
 */
@NullMarked
package io.replicarouter.replica;

import org.jspecify.annotations.NullMarked;
