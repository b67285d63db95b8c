/**
 * Follows a Patroni cluster through its REST API: the leader takes the writes, the members
 * that stream from it serve the reads.
 */
@NullMarked
package io.replicarouter.topology.patroni;

import org.jspecify.annotations.NullMarked;
