/**
 * PgBouncer support: watching the pools of a PgBouncer that stands between the
 * application and the database nodes, through its admin console.
 */
@NullMarked
package io.replicarouter.pgbouncer;

import org.jspecify.annotations.NullMarked;
