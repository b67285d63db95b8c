package io.replicarouter.routing;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;

/**
 * Thrown when a read-only transaction finds no eligible replica and as many reads as
 * {@code replica-router.fallback-max-concurrency} allows already run on the primary as the
 * fallback, and none ended within the replicas' borrow timeout: the read fails rather than move the replicas' whole load onto the
 * primary, which must stay able to take writes.
 */
public class FallbackLimitException extends SQLTransientConnectionException {

	/**
	 * Create an exception.
	 * @param limit the limit of fallback reads on the primary
	 * @param waited how long the read waited for a turn
	 * @param why why each replica is out of rotation
	 */
	public FallbackLimitException(int limit, Duration waited, String why) {
		super("No replica is eligible for a read-only transaction (" + why + "), and " + limit
				+ " reads, the most replica-router.fallback-max-concurrency allows, have run on the primary as the"
				+ " fallback for the last " + waited.toMillis() + " ms: failing fast so as not to overload the primary",
				"53300");
	}

}
