/**
 * Read-your-writes: consistency scopes and tokens that carry the primary's WAL position
 * (LSN) after a write, so a later read runs only where that write is visible.
 */
@NullMarked
package io.replicarouter.consistency;

import org.jspecify.annotations.NullMarked;
