package io.replicarouter.sample.catalog;

import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /products}, {@code GET /products/{id}} (cached), {@code PUT /products/{id}/price}.
 */
@RestController
@RequestMapping("/products")
public class CatalogController {

	private final CatalogService catalog;

	public CatalogController(CatalogService catalog) {
		this.catalog = catalog;
	}

	@GetMapping
	public List<Product> list(@RequestParam(defaultValue = "20") int limit) {
		return this.catalog.list(Math.min(Math.max(limit, 1), 100));
	}

	@GetMapping("/{id}")
	public ResponseEntity<Product> product(@PathVariable long id) {
		return ResponseEntity.ofNullable(this.catalog.product(id));
	}

	@PutMapping("/{id}/price")
	public ResponseEntity<Product> updatePrice(@PathVariable long id, @RequestBody PriceChange change) {
		if (!this.catalog.updatePrice(id, change.priceCents())) {
			return ResponseEntity.notFound().build();
		}
		// Read your own write: this read runs where the update is visible.
		return ResponseEntity.of(this.catalog.find(id));
	}

	/**
	 * A new price.
	 * @param priceCents the price in cents
	 */
	public record PriceChange(long priceCents) {
	}

}
