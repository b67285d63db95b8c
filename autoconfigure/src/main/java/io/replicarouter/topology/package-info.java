/**
 * Where the topology comes from: the configured list ({@link StaticTopologySource}) or a
 * high-availability manager that promotes replicas and adds members while the
 * application runs ({@link io.replicarouter.topology.patroni.PatroniTopologySource}).
 */
@NullMarked
package io.replicarouter.topology;

import org.jspecify.annotations.NullMarked;
