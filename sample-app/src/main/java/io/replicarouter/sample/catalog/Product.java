package io.replicarouter.sample.catalog;

import io.replicarouter.sample.ServedBy;

/**
 * A product of the catalogue.
 * @param id the id
 * @param name the name
 * @param priceCents the price
 * @param stock units in stock
 * @param servedBy the server that read it
 */
public record Product(long id, String name, long priceCents, int stock, ServedBy servedBy) {
}
