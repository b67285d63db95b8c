package io.replicarouter.it.faults;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The application the fault suite loads: Boot's auto-configuration of the starter, real
 * Hikari pools, a Redis cache, and one service whose methods are the workload's calls.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
		"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
@EnableCaching
@Import(FaultSuiteApplication.Ledger.class)
public class FaultSuiteApplication {

	static ConfigurableApplicationContext start(Map<String, String> properties) {
		return new SpringApplicationBuilder(FaultSuiteApplication.class).web(WebApplicationType.NONE)
			.properties(properties.entrySet().stream().map((e) -> e.getKey() + "=" + e.getValue()).toArray(String[]::new))
			.run();
	}

	/**
	 * A value read and the port of the server that answered.
	 * @param value the value, {@code null} when the row is absent
	 * @param port the server's port
	 */
	record Read(@Nullable Long value, int port) {
	}

	@Service
	public static class Ledger {

		private final JdbcTemplate jdbc;

		public Ledger(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		/** A write: one row, acknowledged when this method returns. */
		@Transactional
		public long write(long value) {
			Long id = this.jdbc.queryForObject("insert into fault_ledger (value) values (?) returning id", Long.class,
					value);
			return (id != null) ? id : -1;
		}

		/** A read of one row, on a replica unless read-your-writes needs the primary. */
		@Transactional(readOnly = true)
		public Read find(long id) {
			Long value = this.jdbc.query("select value from fault_ledger where id = ?",
					(rs) -> rs.next() ? rs.getLong(1) : null, id);
			Integer port = this.jdbc.queryForObject("select inet_server_port()", Integer.class);
			return new Read(value, (port != null) ? port : -1);
		}

		/** A read that touches many rows. */
		@Transactional(readOnly = true)
		public long recentCount() {
			Long count = this.jdbc.queryForObject(
					"select count(*) from (select id from fault_ledger order by id desc limit 50) recent", Long.class);
			return (count != null) ? count : 0;
		}

		/** A cached read: served by Redis when it can be, else by a replica. */
		@Cacheable(cacheNames = "fault-products", key = "#id")
		@Transactional(readOnly = true)
		public String product(int id) {
			return this.jdbc.queryForObject("select name || ':' || price from fault_product where id = ?", String.class,
					id);
		}

		/** A read-write transaction that holds its primary connection for a while. */
		@Transactional
		public void hold(Duration duration) {
			this.jdbc.queryForObject("select pg_sleep(?)", Object.class, duration.toMillis() / 1000.0);
		}

	}

}
