/**
 * replica-router: routes read-only transactions to healthy PostgreSQL streaming replicas.
 */
@NullMarked
package io.replicarouter;

import org.jspecify.annotations.NullMarked;
