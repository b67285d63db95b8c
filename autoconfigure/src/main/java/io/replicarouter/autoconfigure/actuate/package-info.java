/**
 * Auto-configuration of replica-router's health indicators and actuator endpoint.
 */
@NullMarked
package io.replicarouter.autoconfigure.actuate;

import org.jspecify.annotations.NullMarked;
