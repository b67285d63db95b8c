/**
 * Auto-configuration for replica-router: wiring only, no routing logic.
 */
@NullMarked
package io.replicarouter.autoconfigure;

import org.jspecify.annotations.NullMarked;
