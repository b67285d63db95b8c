package io.replicarouter.conformance;

/**
 * What one database operation of a conformance application saw, asked of the server on the
 * operation's own connection.
 * @param operation what the application did, for messages
 * @param port {@code inet_server_port()}
 * @param inRecovery {@code pg_is_in_recovery()}: whether a replica served it
 * @param rows how many rows with the test's marker the operation saw (after its own write)
 */
public record Observation(String operation, int port, boolean inRecovery, long rows) {

	/** Asks the server which node it is; run it on the operation's connection. */
	public static final String SERVER_QUERY = "select inet_server_port(), pg_is_in_recovery()";

	@Override
	public String toString() {
		return this.operation + " on " + (this.inRecovery ? "replica" : "primary") + ":" + this.port + " saw "
				+ this.rows + " row(s)";
	}

}
