package io.replicarouter.it.shared;

/**
 * A value from a package outside the cache's allow-list (a "shared module" DTO).
 * @param amount the amount
 */
public record Money(long amount) {
}
