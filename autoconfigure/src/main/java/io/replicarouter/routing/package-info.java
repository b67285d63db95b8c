/**
 * The routing core: a {@link javax.sql.DataSource} that hands out lazy connections and
 * binds each to the primary or a replica when its first statement runs.
 */
@NullMarked
package io.replicarouter.routing;

import org.jspecify.annotations.NullMarked;
