package io.replicarouter.sample.orders;

import java.time.Instant;

import io.replicarouter.sample.ServedBy;

/**
 * An order.
 * @param id the id
 * @param customerId the customer
 * @param productId the product
 * @param quantity how many
 * @param createdAt when
 * @param writtenOn the port of the server that wrote it
 * @param servedBy the server that read it
 */
public record Order(long id, long customerId, long productId, int quantity, Instant createdAt, int writtenOn,
		ServedBy servedBy) {
}
