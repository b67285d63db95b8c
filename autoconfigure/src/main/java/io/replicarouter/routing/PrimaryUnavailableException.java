package io.replicarouter.routing;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;

import io.replicarouter.jdbc.JdbcUrls;
import org.jspecify.annotations.Nullable;

/**
 * Thrown, before anything is sent, when work that needs the primary cannot get it: the
 * primary is in recovery (demoted), known to be down, or cannot be reached. Since nothing
 * reached the primary, such work can safely run again once the primary is back.
 */
public class PrimaryUnavailableException extends SQLTransientConnectionException {

	/**
	 * Create an exception.
	 * @param why why the primary cannot take writes
	 */
	public PrimaryUnavailableException(String why) {
		super("The primary cannot take writes: " + why, "25006");
	}

	private PrimaryUnavailableException(String message, String sqlState, @Nullable Throwable cause) {
		super(message, sqlState, cause);
	}

	static PrimaryUnavailableException down(DataSourceNode primary, PrimaryOutage outage, Duration waited) {
		return down(primary, outage, waited, null);
	}

	static PrimaryUnavailableException down(DataSourceNode primary, PrimaryOutage outage, Duration waited,
			@Nullable Throwable cause) {
		String after = waited.isZero()
				? "failing fast, as work waits for it at most replica-router.primary.unavailable-wait"
				: "failing fast after waiting " + waited.toMillis() + " ms for it (replica-router.primary.unavailable-wait)";
		return new PrimaryUnavailableException("The primary " + primary.name() + " (" + primary.maskedUrl()
				+ ") has been unreachable since " + outage.since() + " (" + outage.detail() + "); " + after
				+ ". Reads keep running on replicas.", "08001", cause);
	}

	static PrimaryUnavailableException unreachable(DataSourceNode primary, Throwable cause) {
		return new PrimaryUnavailableException("The primary " + primary.name() + " (" + primary.maskedUrl()
				+ ") cannot be reached: " + JdbcUrls.mask(cause.getMessage())
				+ "; once the health monitor finds it down (replica-router.health.*), work that needs it fails fast"
				+ " after replica-router.primary.unavailable-wait. Reads keep running on replicas.", "08001", cause);
	}

}
