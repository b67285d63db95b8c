package io.replicarouter.test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A PostgreSQL primary with streaming replicas for tests, whatever runs it: {@link PostgresReplicationCluster}
 * (local processes from the PostgreSQL binaries on Maven Central, no Docker) or
 * {@link ContainerReplicationCluster} (Docker containers of the official {@code postgres} image, through
 * Testcontainers). Code that only needs the common operations can accept either:
 * <pre>{@code
 * try (ReplicationCluster cluster = ReplicationCluster.builder().backend(Backend.AUTO).replicas(2).build().start()) {
 *     cluster.replica(0).setReplayDelay(Duration.ofSeconds(2));
 * }
 * }</pre>
 */
public interface ReplicationCluster extends AutoCloseable {

	/**
	 * Starts configuring a cluster whose backend is chosen with {@link Builder#backend(Backend)}.
	 * @return a new builder
	 */
	static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts the cluster and returns once every node is ready and every replica streams. Does nothing if it
	 * already runs.
	 * @return this cluster
	 */
	ReplicationCluster start();

	/**
	 * Returns the primary.
	 * @return the primary node
	 */
	ReplicationNode primary();

	/**
	 * Returns the replicas, {@code replica-1} first.
	 * @return the replicas (possibly empty)
	 */
	List<? extends ReplicationNode> replicas();

	/**
	 * Returns one replica.
	 * @param index the 0-based index: {@code replica(0)} is {@code replica-1}
	 * @return the replica
	 */
	ReplicationNode replica(int index);

	/**
	 * Returns every node, the primary first.
	 * @return the nodes
	 */
	List<? extends ReplicationNode> nodes();

	/**
	 * Returns the superuser that every node accepts.
	 * @return the user name
	 */
	String username();

	/**
	 * Returns the user's password.
	 * @return the password
	 */
	String password();

	/**
	 * Returns the database that the nodes' JDBC URLs point to.
	 * @return the database name
	 */
	String database();

	/**
	 * Returns the Spring Boot properties that point an application using replica-router at this cluster:
	 * {@code spring.datasource.url}, {@code .username}, {@code .password} (the primary) and
	 * {@code replica-router.replicas[i].url} for every replica, in that order.
	 * @return the properties, by name
	 */
	default Map<String, String> springBootProperties() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", primary().jdbcUrl());
		properties.put("spring.datasource.username", username());
		properties.put("spring.datasource.password", password());
		List<? extends ReplicationNode> replicas = replicas();
		for (int i = 0; i < replicas.size(); i++) {
			properties.put("replica-router.replicas[" + i + "].url", replicas.get(i).jdbcUrl());
		}
		return properties;
	}

	/**
	 * Tells whether the cluster was started and not closed.
	 * @return {@code true} while running
	 */
	boolean isStarted();

	/**
	 * Tells whether the cluster was closed.
	 * @return {@code true} after {@link #close()}
	 */
	boolean isClosed();

	/**
	 * Waits until every running replica has replayed the primary's current WAL position.
	 * @param timeout how long to wait in total
	 */
	void awaitReplication(Duration timeout);

	/**
	 * Waits, up to 30 seconds, until every running replica has replayed the primary's current WAL position.
	 */
	void awaitReplication();

	/**
	 * Waits until every running replica streams WAL from the primary.
	 * @param timeout how long to wait in total
	 */
	void awaitStreaming(Duration timeout);

	/**
	 * Undoes the faults a test injected, so the next test starts from a healthy cluster:
	 * resumes paused nodes, starts stopped or killed ones, clears every replica's replay
	 * delay, then waits until every replica streams and has replayed the primary's current
	 * position. Promoted replicas are left as they are.
	 * @return this cluster
	 */
	default ReplicationCluster heal() {
		for (ReplicationNode node : nodes()) {
			if (node.isPaused()) {
				node.resume();
			}
			if (!node.isRunning()) {
				node.start();
			}
		}
		for (ReplicationNode replica : replicas()) {
			if (!replica.isPromoted()) {
				replica.clearReplayDelay();
			}
		}
		awaitStreaming(Duration.ofSeconds(30));
		awaitReplication();
		return this;
	}

	/**
	 * Stops every node and releases what the cluster holds. Idempotent; failures are logged, not thrown.
	 */
	@Override
	void close();

	/**
	 * What runs the nodes of a cluster built by {@link ReplicationCluster#builder()}.
	 */
	enum Backend {

		/** Local PostgreSQL processes: {@link PostgresReplicationCluster}. Linux x86-64, no Docker. */
		EMBEDDED,

		/**
		 * Docker containers through Testcontainers: {@link ContainerReplicationCluster}. Needs
		 * {@code org.testcontainers:testcontainers} on the class path and a Docker engine.
		 */
		TESTCONTAINERS,

		/** {@link #TESTCONTAINERS} when a Docker engine is available, else {@link #EMBEDDED}. */
		AUTO;

		/**
		 * Returns the backend that this choice stands for here: {@link #AUTO} checks whether Testcontainers is
		 * on the class path and finds a Docker engine (without waiting long when there is obviously none).
		 * @return {@link #EMBEDDED} or {@link #TESTCONTAINERS}
		 */
		public Backend resolve() {
			if (this != AUTO) {
				return this;
			}
			return DockerSupport.isDockerAvailable() ? TESTCONTAINERS : EMBEDDED;
		}

	}

	/**
	 * Configures a {@link ReplicationCluster} with the settings that both backends share. Not thread-safe.
	 */
	final class Builder {

		private Backend backend = Backend.EMBEDDED;

		private int replicas = 2;

		private String username = "postgres";

		private String password = "postgres";

		private String database = "postgres";

		private @Nullable Duration startupTimeout;

		private @Nullable String image;

		private Builder() {
		}

		/**
		 * Chooses the backend.
		 * @param backend the backend; default {@link Backend#EMBEDDED}
		 * @return this builder
		 */
		public Builder backend(Backend backend) {
			this.backend = backend;
			return this;
		}

		/**
		 * Sets the number of streaming replicas.
		 * @param replicas at least 0; default 2
		 * @return this builder
		 */
		public Builder replicas(int replicas) {
			if (replicas < 0) {
				throw new IllegalArgumentException("replicas must be at least 0: " + replicas);
			}
			this.replicas = replicas;
			return this;
		}

		/**
		 * Sets the superuser's name.
		 * @param username a user name; default {@code postgres}
		 * @return this builder
		 */
		public Builder username(String username) {
			this.username = username;
			return this;
		}

		/**
		 * Sets the superuser's password.
		 * @param password a password; default {@code postgres}
		 * @return this builder
		 */
		public Builder password(String password) {
			this.password = password;
			return this;
		}

		/**
		 * Sets the database that the JDBC URLs point to.
		 * @param database a database name; default {@code postgres}
		 * @return this builder
		 */
		public Builder database(String database) {
			this.database = database;
			return this;
		}

		/**
		 * Sets how long a node may take to start.
		 * @param timeout a positive duration; default: the backend's default
		 * @return this builder
		 */
		public Builder startupTimeout(Duration timeout) {
			this.startupTimeout = timeout;
			return this;
		}

		/**
		 * Sets the Docker image of the Testcontainers backend (ignored by the embedded backend).
		 * @param image an image name such as {@code postgres:16-alpine}; default
		 * {@value ContainerReplicationCluster#DEFAULT_IMAGE}
		 * @return this builder
		 */
		public Builder image(String image) {
			this.image = image;
			return this;
		}

		/**
		 * Creates the cluster, without starting it, with the backend {@linkplain Backend#resolve() resolved} now.
		 * @return a new cluster
		 */
		public ReplicationCluster build() {
			if (this.backend.resolve() == Backend.TESTCONTAINERS) {
				// In a class of its own so that Testcontainers is loaded only when chosen.
				return DockerSupport.containerCluster(this.replicas, this.username, this.password, this.database,
						this.startupTimeout, this.image);
			}
			PostgresReplicationCluster.Builder builder = PostgresReplicationCluster.builder()
				.replicas(this.replicas)
				.username(this.username)
				.password(this.password)
				.database(this.database);
			if (this.startupTimeout != null) {
				builder.startupTimeout(this.startupTimeout);
			}
			return builder.build();
		}

	}

}
