/**
 * JDBC helpers shared by the routing, health and actuator code.
 */
@NullMarked
package io.replicarouter.jdbc;

import org.jspecify.annotations.NullMarked;
