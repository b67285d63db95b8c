package io.replicarouter.it.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.shared.Money;
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
import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every call shape of a cached read: one miss, two misses in one read-only transaction, a
 * cached method calling another, {@code sync = true}, a {@code CompletableFuture}, and values
 * the cache cannot read back. Boot's defaults, but for Redis's and the databases' addresses.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
		"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
@EnableCaching
@Import({ CacheShapesApplication.Items.class, CacheShapesApplication.Shapes.class })
public class CacheShapesApplication {

	static ConfigurableApplicationContext start(PostgresReplicationCluster cluster, int redisPort,
			String... properties) {
		return start(cluster, redisPort, WebApplicationType.NONE, properties);
	}

	/**
	 * Start the application, as a servlet web application (on a free port) when asked, so
	 * that the consistency filter and its token store are configured too.
	 */
	static ConfigurableApplicationContext start(PostgresReplicationCluster cluster, int redisPort,
			WebApplicationType type, String... properties) {
		List<String> all = new ArrayList<>(RouterTestApplication.properties(cluster));
		all.add("spring.cache.type=redis");
		all.add("spring.data.redis.host=127.0.0.1");
		all.add("spring.data.redis.port=" + redisPort);
		if (type == WebApplicationType.SERVLET) {
			all.add("server.port=0");
		}
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(CacheShapesApplication.class).web(type)
			.properties(all.toArray(String[]::new))
			.run();
	}

	static final String SELECT = "select id, name, price, inet_server_port() as read_from from item where id = ?";

	static Product read(JdbcTemplate jdbc, int id) {
		return jdbc.queryForObject(SELECT, (rs, row) -> new Product(rs.getInt("id"), rs.getString("name"),
				rs.getLong("price"), rs.getInt("read_from")), id);
	}

	/**
	 * The cached methods.
	 */
	@Service
	public static class Items {

		private final JdbcTemplate jdbc;

		private final TransactionTemplate readOnly;

		private final ExecutorService executor = Executors.newFixedThreadPool(4);

		public Items(JdbcTemplate jdbc, org.springframework.transaction.PlatformTransactionManager transactions) {
			this.jdbc = jdbc;
			this.readOnly = new TransactionTemplate(transactions);
			this.readOnly.setReadOnly(true);
		}

		@Cacheable(cacheNames = "items", key = "#id")
		@Transactional(readOnly = true)
		public Product find(int id) {
			return read(this.jdbc, id);
		}

		@Cacheable(cacheNames = "items-sync", key = "#id", sync = true)
		@Transactional(readOnly = true)
		public Product findSync(int id) {
			return read(this.jdbc, id);
		}

		@Cacheable(cacheNames = "items-async", key = "#id")
		public CompletableFuture<Product> findAsync(int id) {
			return CompletableFuture.supplyAsync(() -> this.readOnly.execute((status) -> read(this.jdbc, id)),
					this.executor);
		}

		@Cacheable(cacheNames = "pages", key = "#page")
		@Transactional(readOnly = true)
		public Page<Product> page(int page) {
			return new PageImpl<>(List.of(read(this.jdbc, page + 1)), PageRequest.of(page, 1), 100);
		}

		@Cacheable(cacheNames = "prices", key = "#id")
		@Transactional(readOnly = true)
		public Money price(int id) {
			return new Money(read(this.jdbc, id).price());
		}

		@CacheEvict(cacheNames = { "items", "items-sync", "items-async", "outer" }, key = "#id")
		@Transactional
		public void updatePrice(int id, long price) {
			this.jdbc.update("update item set price = ? where id = ?", price, id);
		}

	}

	/**
	 * Shapes that call the cached methods.
	 */
	@Service
	public static class Shapes {

		private final Items items;

		public Shapes(Items items) {
			this.items = items;
		}

		/**
		 * Two cache misses in one read-only transaction: both puts are made after commit.
		 */
		@Transactional(readOnly = true)
		public List<Product> twoInOneTransaction(int first, int second) {
			return List.of(this.items.find(first), this.items.find(second));
		}

		/**
		 * A cached method that calls another.
		 */
		@Cacheable(cacheNames = "outer", key = "#id")
		public Product outer(int id) {
			Product inner = this.items.find(id);
			return new Product(inner.id(), inner.name() + " (outer)", inner.price(), inner.readFrom());
		}

	}

}
