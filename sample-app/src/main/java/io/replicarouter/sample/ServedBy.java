package io.replicarouter.sample;

/**
 * Which server answered a read, as the server itself said.
 * @param port {@code inet_server_port()}
 * @param replica {@code pg_is_in_recovery()}
 */
public record ServedBy(int port, boolean replica) {

	/**
	 * SQL columns that produce this record, named {@code served_port} and
	 * {@code served_by_replica}.
	 */
	public static final String COLUMNS = "inet_server_port() as served_port, pg_is_in_recovery() as served_by_replica";

}
