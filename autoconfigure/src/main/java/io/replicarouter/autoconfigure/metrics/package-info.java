/**
 * Auto-configuration of replica-router's Micrometer metrics.
 */
@NullMarked
package io.replicarouter.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
