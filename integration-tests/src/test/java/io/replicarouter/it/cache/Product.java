package io.replicarouter.it.cache;

/**
 * A cached row, with the port of the server that read it.
 * @param id the id
 * @param name the name
 * @param price the price
 * @param readFrom the port of the server that answered
 */
public record Product(int id, String name, long price, int readFrom) {
}
