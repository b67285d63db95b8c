package io.replicarouter.sample.catalog;

import java.util.List;
import java.util.Optional;

import io.replicarouter.sample.ServedBy;

import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The catalogue: read-only transactions on replicas, products cached in Redis, price
 * changes on the primary evicting the cache after commit.
 */
@Service
public class CatalogService {

	private static final String SELECT = "select id, name, price_cents, stock, " + ServedBy.COLUMNS + " from product";

	private static final RowMapper<Product> PRODUCT = (rs, row) -> new Product(rs.getLong("id"), rs.getString("name"),
			rs.getLong("price_cents"), rs.getInt("stock"),
			new ServedBy(rs.getInt("served_port"), rs.getBoolean("served_by_replica")));

	private final JdbcClient jdbc;

	public CatalogService(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * A product, cached: a hit does not touch the database at all.
	 */
	@Cacheable(cacheNames = "products", key = "#id", unless = "#result == null")
	@Transactional(readOnly = true)
	public Product product(long id) {
		return find(id).orElse(null);
	}

	/**
	 * A product, always read from the database (a replica).
	 */
	@Transactional(readOnly = true)
	public Optional<Product> find(long id) {
		return this.jdbc.sql(SELECT + " where id = ?").param(id).query(PRODUCT).optional();
	}

	/**
	 * A page of the catalogue, read from a replica.
	 */
	@Transactional(readOnly = true)
	public List<Product> list(int limit) {
		return this.jdbc.sql(SELECT + " order by id limit ?").param(limit).query(PRODUCT).list();
	}

	/**
	 * Change a price on the primary; the cached product is evicted once this commits.
	 */
	@CacheEvict(cacheNames = "products", key = "#id")
	@Transactional
	public boolean updatePrice(long id, long priceCents) {
		return this.jdbc.sql("update product set price_cents = ?, written_on = inet_server_port() where id = ?")
			.params(priceCents, id)
			.update() == 1;
	}

}
