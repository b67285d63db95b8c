package io.replicarouter.test;

import java.io.Serial;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when a PostgreSQL node or cluster cannot be set up, started, stopped or queried, or when a wait (for
 * startup, streaming or replay) times out. The message names the node and, where it helps, ends with the tail of
 * the node's server log. Passwords are masked in every message.
 */
public final class PostgresClusterException extends RuntimeException {

	@Serial
	private static final long serialVersionUID = 1L;

	/**
	 * Creates an exception with a message.
	 * @param message what went wrong
	 */
	public PostgresClusterException(String message) {
		super(Secrets.mask(message));
	}

	/**
	 * Creates an exception with a message and a cause.
	 * @param message what went wrong
	 * @param cause the underlying failure, if any
	 */
	public PostgresClusterException(String message, @Nullable Throwable cause) {
		super(Secrets.mask(message), cause);
	}

}
