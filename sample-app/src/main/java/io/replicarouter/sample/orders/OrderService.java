package io.replicarouter.sample.orders;

import java.util.List;
import java.util.Optional;

import io.replicarouter.PrimaryRead;
import io.replicarouter.sample.ServedBy;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Orders: placed on the primary, listed from replicas, and read from the primary with
 * {@link PrimaryRead} where a decision (taking payment) must see the very latest data.
 */
@Service
public class OrderService {

	private static final String SELECT = "select id, customer_id, product_id, quantity, created_at, written_on, "
			+ ServedBy.COLUMNS + " from purchase_order";

	private static final RowMapper<Order> ORDER = (rs, row) -> new Order(rs.getLong("id"), rs.getLong("customer_id"),
			rs.getLong("product_id"), rs.getInt("quantity"), rs.getTimestamp("created_at").toInstant(),
			rs.getInt("written_on"), new ServedBy(rs.getInt("served_port"), rs.getBoolean("served_by_replica")));

	private final JdbcClient jdbc;

	public OrderService(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Place an order and take the units from stock, in one read-write transaction.
	 * @return the order's id, or empty when the product is unknown or out of stock
	 */
	@Transactional
	public Optional<Long> place(long customerId, long productId, int quantity) {
		int taken = this.jdbc.sql("update product set stock = stock - ? where id = ? and stock >= ?")
			.params(quantity, productId, quantity)
			.update();
		if (taken == 0) {
			return Optional.empty();
		}
		return Optional.of(this.jdbc
			.sql("insert into purchase_order (customer_id, product_id, quantity) values (?, ?, ?) returning id")
			.params(customerId, productId, quantity)
			.query(Long.class)
			.single());
	}

	/**
	 * A customer's recent orders, from a replica.
	 */
	@Transactional(readOnly = true)
	public List<Order> recent(long customerId, int limit) {
		return this.jdbc.sql(SELECT + " where customer_id = ? order by created_at desc limit ?")
			.params(customerId, limit)
			.query(ORDER)
			.list();
	}

	/**
	 * An order as the primary has it: payment must not act on a replica's older copy.
	 */
	@PrimaryRead
	@Transactional(readOnly = true)
	public Optional<Order> forPayment(long id) {
		return this.jdbc.sql(SELECT + " where id = ?").param(id).query(ORDER).optional();
	}

}
