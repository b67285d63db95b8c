package io.replicarouter.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationCluster;
import redis.embedded.RedisServer;

/**
 * What the sample needs, embedded: a PostgreSQL primary with two streaming replicas (from
 * replica-router-test) and a Redis server. Everything listens on 127.0.0.1 and is stopped
 * by {@link #close()} or, at the latest, when the JVM exits.
 */
public final class DevServices implements AutoCloseable {

	private final PostgresReplicationCluster cluster;

	private final RedisServer redis;

	private final int redisPort;

	private DevServices(PostgresReplicationCluster cluster, RedisServer redis, int redisPort) {
		this.cluster = cluster;
		this.redis = redis;
		this.redisPort = redisPort;
	}

	/**
	 * Start a primary, two replicas and Redis.
	 * @return the running services
	 */
	public static DevServices start() {
		PostgresReplicationCluster cluster = PostgresReplicationCluster.builder().replicas(2).build().start();
		try {
			int port = freePort();
			RedisServer redis = RedisServer.newRedisServer()
				.bind("127.0.0.1")
				.port(port)
				.setting("save \"\"")
				.setting("appendonly no")
				.build();
			redis.start();
			DevServices services = new DevServices(cluster, redis, port);
			Runtime.getRuntime().addShutdownHook(new Thread(services::close, "replica-router-dev-services"));
			return services;
		}
		catch (IOException ex) {
			cluster.close();
			throw new UncheckedIOException("Could not start Redis", ex);
		}
	}

	/**
	 * Return the PostgreSQL cluster.
	 * @return the cluster
	 */
	public PostgresReplicationCluster cluster() {
		return this.cluster;
	}

	/**
	 * Return the port Redis listens on.
	 * @return the port
	 */
	public int redisPort() {
		return this.redisPort;
	}

	/**
	 * Return the properties that point the sample at these services.
	 * @return {@code key=value} pairs
	 */
	public List<String> properties() {
		List<String> properties = new ArrayList<>();
		this.cluster.springBootProperties().forEach((name, value) -> properties.add(name + "=" + value));
		properties.add("spring.data.redis.host=127.0.0.1");
		properties.add("spring.data.redis.port=" + this.redisPort);
		return properties;
	}

	/**
	 * Describe what runs, for the console.
	 * @return lines of text
	 */
	public List<String> describe() {
		List<String> lines = new ArrayList<>();
		for (PostgresNode node : this.cluster.nodes()) {
			lines.add(String.format("  %-10s %s", node.name(), node.jdbcUrl()));
		}
		lines.add(String.format("  %-10s redis://127.0.0.1:%d", "redis", this.redisPort));
		return lines;
	}

	@Override
	public synchronized void close() {
		try {
			if (this.redis.isActive()) {
				this.redis.stop();
			}
		}
		catch (IOException ex) {
			// Going away anyway.
		}
		this.cluster.close();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
