package io.replicarouter.routing;

import java.time.Instant;

/**
 * The primary is unreachable: since when, and what the last attempt to reach it found.
 *
 * @param since when the primary was first found unreachable in this outage
 * @param detail what failed, with credentials masked
 */
public record PrimaryOutage(Instant since, String detail) {

}
