package io.replicarouter.it.jdbc;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.replicarouter.it.RoutingTestCluster;
import io.replicarouter.it.Server;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.test.PostgresReplicationCluster;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that defines its own DataSource bean, as Boot's how-to "Configure a
 * Custom DataSource" writes it, still gets routing: that bean is the primary, the replicas
 * inherit the credentials of {@code spring.datasource.*}. Which node answered is what the
 * server said, never the router's bookkeeping.
 */
@SpringBootTest(classes = ApplicationDataSourceIT.TestApplication.class)
class ApplicationDataSourceIT {

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		RoutingTestCluster.register(registry);
	}

	private final PostgresReplicationCluster cluster = RoutingTestCluster.get();

	@Autowired
	private Queries queries;

	@Autowired
	private DataSource dataSource;

	@Autowired
	@Qualifier("appDataSource")
	private DataSource appDataSource;

	@Autowired
	private MeterRegistry meters;

	@Test
	void theRoutingDataSourceIsWhatTheApplicationInjectsAndItsOwnBeanIsThePrimary() throws Exception {
		ReplicaRoutingDataSource router = this.dataSource.unwrap(ReplicaRoutingDataSource.class);
		assertThat(router.getPrimary().dataSource()).isSameAs(this.appDataSource);
	}

	@Test
	void readOnlyTransactionRunsOnAReplica() {
		Server server = this.queries.readOnly();
		assertThat(server.inRecovery()).isTrue();
		assertThat(server.nodeName(this.cluster)).startsWith("replica-");
	}

	@Test
	void writeRunsOnThePrimary() {
		int writtenOn = this.queries.write();
		assertThat(writtenOn).isEqualTo(this.cluster.primary().port());
		Server server = this.queries.readWrite();
		assertThat(server.inRecovery()).isFalse();
		assertThat(server.port()).isEqualTo(this.cluster.primary().port());
	}

	@Test
	void everyPoolHasHikarisMetersOnce() {
		this.queries.readOnly();
		this.queries.readOnly();
		this.queries.readWrite();
		for (String pool : new String[] { "app-primary", "replica-1", "replica-2" }) {
			assertThat(this.meters.find("hikaricp.connections.max").tag("pool", pool).gauges()).as(pool).hasSize(1);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(excludeName = {
			"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
			"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
			"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
	@Import(Queries.class)
	static class TestApplication {

		@Bean
		@ConfigurationProperties("spring.datasource.hikari")
		HikariDataSource appDataSource(DataSourceProperties properties) {
			HikariDataSource dataSource = properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
			dataSource.setPoolName("app-primary");
			return dataSource;
		}

	}

	@Service
	static class Queries {

		private final JdbcTemplate jdbc;

		Queries(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional(readOnly = true)
		public Server readOnly() {
			return server();
		}

		@Transactional
		public Server readWrite() {
			return server();
		}

		@Transactional
		public int write() {
			this.jdbc.execute("create table if not exists own_data_source_writes "
					+ "(id bigserial primary key, written_on int not null default inet_server_port())");
			Integer port = this.jdbc.queryForObject(
					"insert into own_data_source_writes default values returning written_on", Integer.class);
			return (port != null) ? port : -1;
		}

		private Server server() {
			return this.jdbc.queryForObject(Server.QUERY,
					(result, row) -> new Server(result.getInt("port"), result.getBoolean("in_recovery")));
		}

	}

}
