package io.replicarouter.routing;

import java.sql.SQLTransientConnectionException;

/**
 * Thrown when a read-only transaction finds no eligible replica and as many reads as
 * {@code replica-router.fallback-max-concurrency} allows already run on the primary as the
 * fallback: the read fails fast rather than move the replicas' whole load onto the
 * primary, which must stay able to take writes.
 */
public class FallbackLimitException extends SQLTransientConnectionException {

	/**
	 * Create an exception.
	 * @param limit the limit of fallback reads on the primary
	 * @param why why each replica is out of rotation
	 */
	public FallbackLimitException(int limit, String why) {
		super("No replica is eligible for a read-only transaction (" + why + "), and " + limit
				+ " reads already run on the primary as the fallback, the most replica-router.fallback-max-concurrency"
				+ " allows: failing fast so as not to overload the primary", "53300");
	}

}
