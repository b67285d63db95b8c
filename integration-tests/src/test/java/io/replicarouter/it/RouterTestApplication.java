package io.replicarouter.it;

import java.util.ArrayList;
import java.util.List;

import io.replicarouter.ReplicaRead;
import io.replicarouter.test.PostgresReplicationCluster;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A minimal application on replica-router for integration tests that need a context of
 * their own (their own cluster, their own properties): plain {@code @Transactional}
 * services, nothing else.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
		"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
@Import(RouterTestApplication.Queries.class)
public class RouterTestApplication {

	/**
	 * Start the application on the given cluster: its primary and every replica, plus the
	 * given properties.
	 * @param cluster the cluster
	 * @param properties more properties, {@code key=value}
	 * @return the running context
	 */
	public static ConfigurableApplicationContext start(PostgresReplicationCluster cluster, String... properties) {
		List<String> all = properties(cluster);
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(RouterTestApplication.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
	}

	/**
	 * A value read and the server that answered.
	 * @param value the value
	 * @param server the server
	 */
	public record Read(long value, Server server) {
	}

	/**
	 * Create the tables {@link Queries} uses ({@code ledger}, {@code kv}, {@code unique_writes})
	 * on the primary, if
	 * absent, and wait until the replicas have them.
	 * @param cluster the cluster
	 */
	public static void createTables(PostgresReplicationCluster cluster) {
		try (java.sql.Connection connection = cluster.primary().connect();
				java.sql.Statement statement = connection.createStatement()) {
			statement.execute("create table if not exists ledger (id bigserial primary key, "
					+ "written_on int not null default inet_server_port())");
			statement.execute("create table if not exists kv (id int primary key, v bigint not null)");
			statement.execute("create table if not exists unique_writes (key text primary key)");
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException("Could not create the test tables", ex);
		}
		cluster.awaitReplication();
	}

	/**
	 * Return the properties that point an application at the cluster, as {@code key=value},
	 * with Flyway off (these tests create their tables themselves).
	 * @param cluster the cluster
	 * @return the properties
	 */
	public static List<String> properties(PostgresReplicationCluster cluster) {
		List<String> properties = new ArrayList<>();
		cluster.springBootProperties().forEach((name, value) -> properties.add(name + "=" + value));
		properties.add("spring.flyway.enabled=false");
		return properties;
	}

	/**
	 * Transactional work whose answers say which server did it.
	 */
	@Service
	public static class Queries {

		private final JdbcTemplate jdbc;

		public Queries(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public Server readOnly() {
			return this.jdbc.queryForObject(Server.QUERY,
					(rs, row) -> new Server(rs.getInt("port"), rs.getBoolean("in_recovery")));
		}

		@ReplicaRead(maxLag = "1s")
		@Transactional(readOnly = true)
		public Server readAtMostOneSecondStale() {
			return readOnly();
		}

		@ReplicaRead(maxLag = "10s")
		@Transactional(readOnly = true)
		public Server readAtMostTenSecondsStale() {
			return readOnly();
		}

		@Transactional
		public Server readWrite() {
			return this.jdbc.queryForObject(Server.QUERY,
					(rs, row) -> new Server(rs.getInt("port"), rs.getBoolean("in_recovery")));
		}

		/**
		 * Set the value of a key in {@code kv (id int primary key, v bigint)}.
		 * @param id the key
		 * @param value the value
		 */
		@Transactional
		public void put(int id, long value) {
			this.jdbc.update("insert into kv (id, v) values (?, ?) on conflict (id) do update set v = excluded.v", id,
					value);
		}

		/**
		 * Read the value of a key, and which server answered.
		 * @param id the key
		 * @return the value (-1 when absent) and the server
		 */
		@Transactional(readOnly = true)
		public Read get(int id) {
			Long value = this.jdbc.query("select v from kv where id = ?", (rs) -> rs.next() ? rs.getLong(1) : -1L, id);
			Server server = this.jdbc.queryForObject(Server.QUERY,
					(rs, row) -> new Server(rs.getInt("port"), rs.getBoolean("in_recovery")));
			return new Read((value != null) ? value : -1, server);
		}

		/**
		 * Like {@link #get(int)}, but first hold the transaction on its server for a while
		 * ({@code pg_sleep}), so a test can make that server fail under it.
		 * @param id the key
		 * @param pause how long the server sleeps first
		 * @return the value (-1 when absent) and the server
		 */
		@Transactional(readOnly = true)
		public Read getAfter(int id, java.time.Duration pause) {
			this.jdbc.queryForObject("select pg_sleep(?)", Object.class, pause.toMillis() / 1000.0);
			return get(id);
		}

		/**
		 * Insert a key into {@code unique_writes (key text primary key)}: applying the same
		 * write twice fails.
		 * @param key the key
		 */
		@Transactional
		public void insertUnique(String key) {
			this.jdbc.update("insert into unique_writes (key) values (?)", key);
		}

		/**
		 * Insert a row into {@code ledger (id bigserial, written_on int default
		 * inet_server_port())} and return its id.
		 * @return the id
		 */
		@Transactional
		public long write() {
			return this.jdbc.queryForObject("insert into ledger default values returning id", Long.class);
		}

	}

}
