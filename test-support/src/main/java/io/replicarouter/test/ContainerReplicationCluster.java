package io.replicarouter.test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * A PostgreSQL primary with streaming replicas in Docker containers, through Testcontainers: the
 * Testcontainers backend of {@link ReplicationCluster}, with the same methods as
 * {@link PostgresReplicationCluster}. Needs {@code org.testcontainers:testcontainers} on the class path (an
 * optional dependency of replica-router-test: add it to your build) and a Docker engine.
 *
 * <h2>Usage</h2>
 * <pre>{@code
 * try (ContainerReplicationCluster cluster = ContainerReplicationCluster.builder().replicas(2).build().start()) {
 *     try (Connection primary = cluster.primary().connect()) {
 *         primary.createStatement().execute("create table t (id int)");
 *     }
 *     cluster.awaitReplication();
 *     cluster.replica(0).setReplayDelay(Duration.ofSeconds(2));
 *     cluster.replica(1).kill();
 * }
 * }</pre>
 *
 * <h2>What runs</h2>
 * One container per node, from the official {@code postgres} image ({@value #DEFAULT_IMAGE} unless
 * {@link Builder#image(String)} says otherwise), on a Docker network of its own where the nodes are known by
 * their names: {@code primary}, {@code replica-1}, {@code replica-2}... The primary is set up by the image's
 * entry point ({@code POSTGRES_USER}, {@code POSTGRES_PASSWORD}, {@code POSTGRES_DB}) with an init script that
 * allows replication connections ({@code host replication all all scram-sha-256} in {@code pg_hba.conf}), and
 * runs with replication settings on its command line ({@code -c wal_level=replica -c max_wal_senders=10 ...}).
 * Each replica runs as user {@code postgres} a script that clones the primary with
 * {@code pg_basebackup -h primary -R} on first start, then runs {@code postgres} as a hot standby. The
 * containers' port 5432 is mapped to a random port of the Docker host: {@link ContainerNode#jdbcUrl()} uses it.
 * Docker may map another port after a node was stopped or killed and started again.
 *
 * <p>{@link #close()} removes the containers and the network (and Testcontainers' Ryuk removes them if the JVM
 * dies). Instances are thread-safe.
 */
public final class ContainerReplicationCluster implements ReplicationCluster {

	/** The default image: the official PostgreSQL 17 image, Alpine variant. */
	public static final String DEFAULT_IMAGE = "postgres:17-alpine";

	/** The port PostgreSQL listens on inside the containers. */
	static final int POSTGRES_PORT = 5432;

	/** The network alias of the primary. */
	static final String PRIMARY_ALIAS = "primary";

	/** Where the primary's init script is copied: run once by the image's entry point after {@code initdb}. */
	static final String INIT_SCRIPT_PATH = "/docker-entrypoint-initdb.d/10-replica-router-replication.sh";

	/** The {@code pg_hba.conf} line that the primary's init script appends. */
	static final String REPLICATION_HBA_LINE = "host replication all all scram-sha-256";

	/** The primary logs this twice: after the entry point's temporary server, then for the real one. */
	static final String PRIMARY_READY_LOG = ".*database system is ready to accept connections.*\\s";

	/** A hot standby logs this once it accepts queries. */
	static final String REPLICA_READY_LOG = ".*database system is ready to accept read-only connections.*\\s";

	private static final Logger logger = LoggerFactory.getLogger(ContainerReplicationCluster.class);

	private static final Duration DEFAULT_AWAIT_TIMEOUT = Duration.ofSeconds(30);

	/** Managed by the cluster, or (for the delay) set with ALTER SYSTEM, which a command-line value would hide. */
	private static final Set<String> MANAGED_SETTINGS = Set.of("port", "primary_conninfo", "listen_addresses",
			"recovery_min_apply_delay");

	private static final Map<String, String> DEFAULT_SETTINGS = defaultSettings();

	private final DockerImageName image;

	private final int replicaCount;

	private final String username;

	private final String password;

	private final String database;

	private final Map<String, String> serverSettings;

	private final Duration startupTimeout;

	private final Object lifecycle = new Object();

	private volatile State state = State.NEW;

	private volatile @Nullable Network network;

	private volatile List<ContainerNode> nodes = List.of();

	private ContainerReplicationCluster(Builder builder) {
		this.image = DockerImageName.parse(builder.image);
		this.replicaCount = builder.replicas;
		this.username = builder.username;
		this.password = builder.password;
		this.database = builder.database;
		Map<String, String> settings = new LinkedHashMap<>(DEFAULT_SETTINGS);
		settings.putAll(builder.serverSettings);
		this.serverSettings = Collections.unmodifiableMap(settings);
		this.startupTimeout = builder.startupTimeout;
	}

	/**
	 * Starts configuring a cluster: image {@value #DEFAULT_IMAGE}, 2 replicas, user, password and database
	 * {@code postgres}.
	 * @return a new builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Starts the containers: a new network, the primary, then the replicas one after the other, and returns once
	 * every replica streams. Does nothing if the cluster runs. If starting fails, whatever was started is
	 * removed, and {@code start()} may be called again.
	 * @return this cluster
	 * @throws PostgresClusterException if a node does not start
	 * @throws IllegalStateException if the cluster was closed
	 */
	@Override
	public ContainerReplicationCluster start() {
		synchronized (this.lifecycle) {
			if (this.state == State.STARTED) {
				return this;
			}
			checkNotClosed();
			long started = System.nanoTime();
			List<ContainerNode> all = new ArrayList<>();
			Network created = Network.newNetwork();
			this.network = created;
			try {
				ContainerNode primary = new ContainerNode(this, PRIMARY_ALIAS, true, primaryContainer(created));
				all.add(primary);
				this.nodes = List.copyOf(all);
				primary.startContainer();
				for (int number = 1; number <= this.replicaCount; number++) {
					ContainerNode replica = new ContainerNode(this, replicaName(number), false,
							replicaContainer(created, number));
					all.add(replica);
					this.nodes = List.copyOf(all);
					replica.startContainer();
				}
			}
			catch (RuntimeException | Error ex) {
				removeAll(all);
				this.nodes = List.of();
				throw ex;
			}
			this.state = State.STARTED;
			logger.info("Started PostgreSQL containers in {} ms: {}",
					Duration.ofNanos(System.nanoTime() - started).toMillis(), this.nodes);
			return this;
		}
	}

	/**
	 * Creates (without starting it) the primary's container: see the class description.
	 * @param network the cluster's network
	 * @return the container
	 */
	NodeContainer primaryContainer(Network network) {
		List<String> command = new ArrayList<>();
		command.add("postgres");
		command.addAll(serverArguments(this.serverSettings));
		command.add("-c");
		command.add("cluster_name=" + PRIMARY_ALIAS);
		return new NodeContainer(this.image).withNetwork(network)
			.withNetworkAliases(PRIMARY_ALIAS)
			.withExposedPorts(POSTGRES_PORT)
			.withEnv("POSTGRES_USER", this.username)
			.withEnv("POSTGRES_PASSWORD", this.password)
			.withEnv("POSTGRES_DB", this.database)
			.withEnv("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256")
			.withEnv("POSTGRES_INITDB_ARGS", "--auth-host=scram-sha-256")
			.withCopiedText(primaryInitScript(), 0644, INIT_SCRIPT_PATH)
			.withCommand(command.toArray(String[]::new))
			.waitingFor(Wait.forLogMessage(PRIMARY_READY_LOG, 2).withStartupTimeout(this.startupTimeout));
	}

	/**
	 * Creates (without starting it) a replica's container: see the class description.
	 * @param network the cluster's network
	 * @param number the replica's number, from 1
	 * @return the container
	 */
	NodeContainer replicaContainer(Network network, int number) {
		String name = replicaName(number);
		List<String> command = new ArrayList<>();
		command.add("sh");
		command.add("-c");
		command.add(replicaScript());
		command.add(name);
		command.addAll(serverArguments(this.serverSettings));
		command.add("-c");
		command.add("cluster_name=" + name);
		return new NodeContainer(this.image).withNetwork(network)
			.withNetworkAliases(name)
			.withExposedPorts(POSTGRES_PORT)
			.withEnv("PGUSER", this.username)
			.withEnv("PGPASSWORD", this.password)
			.withEnv("PGAPPNAME", name)
			.runAs("postgres")
			.withCommand(command.toArray(String[]::new))
			.waitingFor(Wait.forLogMessage(REPLICA_READY_LOG, 1).withStartupTimeout(this.startupTimeout));
	}

	/**
	 * Returns the primary's init script, sourced by the image's entry point after {@code initdb}: it allows
	 * replication connections from the network.
	 * @return the script
	 */
	static String primaryInitScript() {
		return "#!/bin/sh\n" + "# Written by replica-router-test: let the replicas connect for streaming replication.\n"
				+ "echo '" + REPLICATION_HBA_LINE + "' >> \"$PGDATA/pg_hba.conf\"\n";
	}

	/**
	 * Returns the replica's start script, run by {@code sh -c} with the server's arguments: clones the primary
	 * on first start ({@code pg_basebackup -R}: writes {@code standby.signal} and {@code primary_conninfo};
	 * the credentials come from {@code PGUSER} and {@code PGPASSWORD}), then runs the server.
	 * @return the script
	 */
	static String replicaScript() {
		return String.join("\n", "set -e", "if [ ! -s \"$PGDATA/PG_VERSION\" ]; then", "  mkdir -p \"$PGDATA\"",
				"  attempt=1",
				"  until pg_basebackup -h " + PRIMARY_ALIAS + " -p " + POSTGRES_PORT
						+ " -D \"$PGDATA\" -R -X stream -c fast -w; do",
				"    if [ \"$attempt\" -ge 30 ]; then echo 'replica-router: pg_basebackup failed' >&2; exit 1; fi",
				"    attempt=$((attempt + 1))", "    rm -rf \"$PGDATA\"/*", "    sleep 1", "  done",
				"  chmod 0700 \"$PGDATA\"", "fi", "exec postgres \"$@\"");
	}

	/**
	 * Turns settings into {@code postgres} command-line arguments.
	 * @param settings the settings, by name
	 * @return {@code -c name=value} for each setting, in order
	 */
	static List<String> serverArguments(Map<String, String> settings) {
		List<String> arguments = new ArrayList<>();
		settings.forEach((name, value) -> {
			arguments.add("-c");
			arguments.add(name + "=" + value);
		});
		return arguments;
	}

	private static String replicaName(int number) {
		return "replica-" + number;
	}

	/**
	 * Returns the image the containers run.
	 * @return the image name
	 */
	public String image() {
		return this.image.asCanonicalNameString();
	}

	/**
	 * Returns the settings passed to every server on its command line (test defaults, then the builder's).
	 * @return the settings, by name
	 */
	public Map<String, String> serverSettings() {
		return this.serverSettings;
	}

	/**
	 * Returns the primary.
	 * @return the primary node
	 * @throws IllegalStateException if the cluster was never started
	 */
	@Override
	public ContainerNode primary() {
		return startedNodes().get(0);
	}

	@Nullable ContainerNode primaryOrNull() {
		List<ContainerNode> current = this.nodes;
		return current.isEmpty() ? null : current.get(0);
	}

	/**
	 * Returns the replicas, {@code replica-1} first.
	 * @return the replicas (possibly empty)
	 * @throws IllegalStateException if the cluster was never started
	 */
	@Override
	public List<ContainerNode> replicas() {
		List<ContainerNode> current = startedNodes();
		return current.subList(1, current.size());
	}

	/**
	 * Returns one replica.
	 * @param index the 0-based index: {@code replica(0)} is {@code replica-1}
	 * @return the replica
	 * @throws IndexOutOfBoundsException if there is no such replica
	 * @throws IllegalStateException if the cluster was never started
	 */
	@Override
	public ContainerNode replica(int index) {
		List<ContainerNode> replicas = replicas();
		if (index < 0 || index >= replicas.size()) {
			throw new IndexOutOfBoundsException("No replica " + index + ": there are " + replicas.size()
					+ " replicas (indexes start at 0)");
		}
		return replicas.get(index);
	}

	/**
	 * Returns every node, the primary first.
	 * @return the nodes
	 * @throws IllegalStateException if the cluster was never started
	 */
	@Override
	public List<ContainerNode> nodes() {
		return startedNodes();
	}

	private List<ContainerNode> startedNodes() {
		List<ContainerNode> current = this.nodes;
		if (this.state != State.STARTED || current.isEmpty()) {
			throw new IllegalStateException("The cluster is not started: call start() first");
		}
		return current;
	}

	/**
	 * Returns the superuser that every node accepts ({@code POSTGRES_USER}).
	 * @return the user name
	 */
	@Override
	public String username() {
		return this.username;
	}

	/**
	 * Returns the user's password.
	 * @return the password
	 */
	@Override
	public String password() {
		return this.password;
	}

	/**
	 * Returns the database that the JDBC URLs point to ({@code POSTGRES_DB}).
	 * @return the database name
	 */
	@Override
	public String database() {
		return this.database;
	}

	/**
	 * Returns {@code spring.datasource.url}, {@code .username}, {@code .password} (the primary) and
	 * {@code replica-router.replicas[i].url} for every replica, with the ports mapped now.
	 * @return the properties, by name
	 * @throws IllegalStateException if the cluster is not started
	 */
	@Override
	public Map<String, String> springBootProperties() {
		return ReplicationCluster.super.springBootProperties();
	}

	/**
	 * Tells whether the cluster was started and not closed.
	 * @return {@code true} while running
	 */
	@Override
	public boolean isStarted() {
		return this.state == State.STARTED;
	}

	/**
	 * Tells whether the cluster was closed.
	 * @return {@code true} after {@link #close()}
	 */
	@Override
	public boolean isClosed() {
		return this.state == State.CLOSED;
	}

	/**
	 * Waits until every replica that runs and is neither paused nor promoted has replayed the primary's current
	 * WAL position.
	 * @param timeout how long to wait in total
	 * @throws PostgresClusterException on timeout
	 * @throws IllegalStateException if the primary is not running or paused
	 */
	@Override
	public void awaitReplication(Duration timeout) {
		ReplicaWaits.awaitReplication(timeout, this::primaryWalPosition, this::replicas);
	}

	/**
	 * Waits, up to 30 seconds: see {@link #awaitReplication(Duration)}.
	 */
	@Override
	public void awaitReplication() {
		awaitReplication(DEFAULT_AWAIT_TIMEOUT);
	}

	/**
	 * Waits until one replica has replayed the primary's current WAL position.
	 * @param replica a replica of this cluster
	 * @param timeout how long to wait
	 * @throws PostgresClusterException on timeout
	 */
	public void awaitReplication(ContainerNode replica, Duration timeout) {
		if (!replicas().contains(replica)) {
			throw new IllegalArgumentException(replica + " is not a replica of this cluster");
		}
		replica.awaitReplay(primaryWalPosition(), timeout);
	}

	/**
	 * Waits until every replica that runs and is neither paused nor promoted streams WAL from the primary.
	 * @param timeout how long to wait in total
	 * @throws PostgresClusterException on timeout
	 */
	@Override
	public void awaitStreaming(Duration timeout) {
		ReplicaWaits.awaitStreaming(timeout, replicas());
	}

	private String primaryWalPosition() {
		ContainerNode primary = primary();
		return ReplicaWaits.primaryWalPosition(primary, primary::currentWalLsn);
	}

	/**
	 * Removes every container, then the network. Idempotent; a closed cluster cannot be started again.
	 * Failures are logged, not thrown.
	 */
	@Override
	public void close() {
		synchronized (this.lifecycle) {
			if (this.state == State.CLOSED) {
				return;
			}
			this.state = State.CLOSED;
			removeAll(this.nodes);
		}
	}

	private void removeAll(List<ContainerNode> all) {
		List<ContainerNode> reversed = new ArrayList<>(all);
		Collections.reverse(reversed);
		for (ContainerNode node : reversed) {
			try {
				node.removeContainer();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not remove the container of {}", node.name(), ex);
			}
		}
		Network current = this.network;
		this.network = null;
		if (current != null) {
			try {
				current.close();
			}
			catch (RuntimeException ex) {
				logger.warn("Could not remove the network of the PostgreSQL containers", ex);
			}
		}
	}

	void checkNotClosed() {
		if (this.state == State.CLOSED) {
			throw new IllegalStateException("The cluster is closed");
		}
	}

	Duration startupTimeout() {
		return this.startupTimeout;
	}

	private static Map<String, String> defaultSettings() {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("wal_level", "replica");
		settings.put("max_wal_senders", "10");
		settings.put("hot_standby", "on");
		settings.put("hot_standby_feedback", "on");
		settings.put("wal_keep_size", "512MB");
		settings.put("wal_receiver_status_interval", "1s");
		settings.put("wal_retrieve_retry_interval", "500ms");
		settings.put("password_encryption", "scram-sha-256");
		settings.put("fsync", "off");
		settings.put("full_page_writes", "off");
		settings.put("max_connections", "200");
		return Collections.unmodifiableMap(settings);
	}

	/**
	 * Describes the cluster without secrets.
	 * @return the cluster's state, image and nodes
	 */
	@Override
	public String toString() {
		return "ContainerReplicationCluster[" + this.state.name().toLowerCase(Locale.ROOT) + ", image="
				+ image() + ", replicas=" + this.replicaCount + ", user=" + this.username + ", database="
				+ this.database + ", nodes=" + this.nodes + "]";
	}

	private enum State {

		NEW, STARTED, CLOSED

	}

	/**
	 * Configures a {@link ContainerReplicationCluster}. Not thread-safe.
	 */
	public static final class Builder {

		private String image = DEFAULT_IMAGE;

		private int replicas = 2;

		private String username = "postgres";

		private String password = "postgres";

		private String database = "postgres";

		private final Map<String, String> serverSettings = new LinkedHashMap<>();

		private Duration startupTimeout = Duration.ofSeconds(120);

		private Builder() {
		}

		/**
		 * Sets the image of every container: the official {@code postgres} image or one compatible with it
		 * (same entry point and environment variables), PostgreSQL 13 or later.
		 * @param image an image name; default {@value ContainerReplicationCluster#DEFAULT_IMAGE}
		 * @return this builder
		 */
		public Builder image(String image) {
			DockerImageName.parse(image).assertValid();
			this.image = image;
			return this;
		}

		/**
		 * Sets the number of streaming replicas.
		 * @param replicas at least 0; default 2
		 * @return this builder
		 */
		public Builder replicas(int replicas) {
			this.replicas = ClusterSettings.replicas(replicas);
			return this;
		}

		/**
		 * Sets the superuser that the image creates ({@code POSTGRES_USER}) and that the replicas replicate as.
		 * @param username a user name; default {@code postgres}
		 * @return this builder
		 */
		public Builder username(String username) {
			this.username = ClusterSettings.username(username);
			return this;
		}

		/**
		 * Sets the user's password ({@code POSTGRES_PASSWORD}).
		 * @param password a password without line breaks; default {@code postgres}
		 * @return this builder
		 */
		public Builder password(String password) {
			this.password = ClusterSettings.password(password);
			return this;
		}

		/**
		 * Sets the database that the image creates ({@code POSTGRES_DB}) and the JDBC URLs point to.
		 * @param database a database name; default {@code postgres}
		 * @return this builder
		 */
		public Builder database(String database) {
			this.database = ClusterSettings.database(database);
			return this;
		}

		/**
		 * Adds a {@code -c name=value} setting to the command line of every server, after (so overriding) the
		 * test defaults: {@code wal_level=replica}, {@code max_wal_senders=10}, {@code hot_standby=on},
		 * {@code hot_standby_feedback=on}, {@code wal_keep_size=512MB}, {@code wal_receiver_status_interval=1s},
		 * {@code wal_retrieve_retry_interval=500ms}, {@code password_encryption=scram-sha-256},
		 * {@code fsync=off}, {@code full_page_writes=off}, {@code max_connections=200}. {@code port},
		 * {@code listen_addresses}, {@code primary_conninfo} and {@code recovery_min_apply_delay} (see
		 * {@link ContainerNode#setReplayDelay(Duration)}) cannot be set.
		 * @param name the setting's name
		 * @param value its value
		 * @return this builder
		 */
		public Builder serverSetting(String name, String value) {
			this.serverSettings.put(ClusterSettings.settingName(name, MANAGED_SETTINGS), value);
			return this;
		}

		/**
		 * Sets how long a container may take to start (image pull excluded) and a replica to be promoted.
		 * @param timeout a positive duration; default 120 seconds
		 * @return this builder
		 */
		public Builder startupTimeout(Duration timeout) {
			this.startupTimeout = ClusterSettings.startupTimeout(timeout);
			return this;
		}

		/**
		 * Creates the cluster, without starting it: see {@link ContainerReplicationCluster#start()}.
		 * @return a new cluster
		 */
		public ContainerReplicationCluster build() {
			return new ContainerReplicationCluster(this);
		}

	}

}
