/**
 * Auto-configuration that carries replica-router's thread-bound state to Spring's task
 * executors.
 */
@NullMarked
package io.replicarouter.autoconfigure.task;

import org.jspecify.annotations.NullMarked;
