package io.replicarouter.it.cache;

import java.util.ArrayList;
import java.util.List;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.test.PostgresReplicationCluster;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * An application with cached read-only service methods on replica-router and Redis.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
		"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
@EnableCaching
@Import(CacheTestApplication.Products.class)
public class CacheTestApplication {

	static ConfigurableApplicationContext start(PostgresReplicationCluster cluster, int redisPort,
			String... properties) {
		List<String> all = new ArrayList<>(RouterTestApplication.properties(cluster));
		all.add("spring.cache.type=redis");
		all.add("spring.data.redis.host=127.0.0.1");
		all.add("spring.data.redis.port=" + redisPort);
		all.add("replica-router.cache.default-ttl=5m");
		all.add("replica-router.cache.caches.products.ttl=2m");
		all.add("replica-router.cache.circuit-breaker.open-duration=1s");
		// Generous for a loaded CI machine: these tests check outcomes, not the default timeout.
		all.add("replica-router.cache.command-timeout=1s");
		all.add("replica-router.health.probe-interval=200ms");
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(CacheTestApplication.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
	}

	@Service
	public static class Products {

		private static final String SELECT = "select id, name, price, inet_server_port() as read_from from product where id = ?";

		private final JdbcTemplate jdbc;

		public Products(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Cacheable(cacheNames = "products", key = "#id")
		@Transactional(readOnly = true)
		public Product find(int id) {
			return read(id);
		}

		@Cacheable(cacheNames = "products-sync", key = "#id", sync = true)
		@Transactional(readOnly = true)
		public Product findSync(int id) {
			return read(id);
		}

		@Transactional(readOnly = true)
		public Product findUncached(int id) {
			return read(id);
		}

		@CacheEvict(cacheNames = { "products", "products-sync" }, key = "#id")
		@Transactional
		public void updatePrice(int id, long price) {
			this.jdbc.update("update product set price = ? where id = ?", price, id);
		}

		@CacheEvict(cacheNames = { "products", "products-sync" }, key = "#id")
		@Transactional
		public void updatePriceThenFail(int id, long price) {
			this.jdbc.update("update product set price = ? where id = ?", price, id);
			throw new IllegalStateException("rolled back on purpose");
		}

		private Product read(int id) {
			return this.jdbc.queryForObject(SELECT, (rs, row) -> new Product(rs.getInt("id"), rs.getString("name"),
					rs.getLong("price"), rs.getInt("read_from")), id);
		}

	}

}
