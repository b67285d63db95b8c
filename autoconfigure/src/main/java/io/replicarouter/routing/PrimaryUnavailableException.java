package io.replicarouter.routing;

import java.sql.SQLTransientConnectionException;

/**
 * Thrown, before anything is sent, when a read-write transaction needs the primary and
 * the primary cannot take writes, for example because it is in recovery.
 */
public class PrimaryUnavailableException extends SQLTransientConnectionException {

	/**
	 * Create an exception.
	 * @param why why the primary cannot take writes
	 */
	public PrimaryUnavailableException(String why) {
		super("The primary cannot take writes: " + why, "25006");
	}

}
