/**
 * Routing decisions as Micrometer Observations: one per routed connection binding, so that
 * a trace shows which node served each unit of work and why.
 */
@NullMarked
package io.replicarouter.routing.observation;

import org.jspecify.annotations.NullMarked;
