package io.replicarouter.routing;

/**
 * Where connections taken outside any transaction go.
 */
public enum NonTransactionalReads {

	/**
	 * To the primary: safe, since such work may write.
	 */
	PRIMARY,

	/**
	 * To a replica. Only for applications whose non-transactional work only reads: a write
	 * attempted there fails with PostgreSQL's read-only error.
	 */
	REPLICA

}
