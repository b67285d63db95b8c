package io.replicarouter.sample.orders;

import java.net.URI;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders}, {@code GET /orders?customerId=}, {@code GET /orders/{id}/payment}
 * ({@code @PrimaryRead}).
 */
@RestController
public class OrderController {

	private final OrderService orders;

	public OrderController(OrderService orders) {
		this.orders = orders;
	}

	@PostMapping("/orders")
	public ResponseEntity<Void> place(@RequestBody NewOrder order) {
		return this.orders.place(order.customerId(), order.productId(), order.quantity())
			.map((id) -> ResponseEntity.created(URI.create("/orders/" + id + "/payment")).<Void>build())
			.orElseGet(() -> ResponseEntity.unprocessableContent().build());
	}

	@GetMapping("/orders")
	public List<Order> recent(@RequestParam long customerId, @RequestParam(defaultValue = "10") int limit) {
		return this.orders.recent(customerId, Math.min(Math.max(limit, 1), 100));
	}

	@GetMapping("/orders/{id}/payment")
	public ResponseEntity<Order> forPayment(@PathVariable long id) {
		return ResponseEntity.of(this.orders.forPayment(id));
	}

	/**
	 * An order to place.
	 * @param customerId the customer
	 * @param productId the product
	 * @param quantity how many, at least 1
	 */
	public record NewOrder(long customerId, long productId, int quantity) {
	}

}
