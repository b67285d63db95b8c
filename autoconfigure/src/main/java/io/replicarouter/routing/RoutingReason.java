package io.replicarouter.routing;

/**
 * Why a connection was bound to the node it was bound to.
 */
public enum RoutingReason {

	/**
	 * A read-write transaction, or work outside a transaction, on the primary.
	 */
	READ_WRITE,

	/**
	 * A read-only transaction on a replica.
	 */
	READ_ONLY,

	/**
	 * Work outside a transaction sent to a replica
	 * ({@code replica-router.non-transactional-reads=replica}).
	 */
	NON_TRANSACTIONAL_READ,

	/**
	 * A read-only transaction pinned to the primary by {@link io.replicarouter.PrimaryRead}
	 * or {@link PrimaryReads}.
	 */
	PRIMARY_READ,

	/**
	 * A read-only transaction at isolation level {@code SERIALIZABLE} on the primary: a hot
	 * standby refuses that level, and offers no equivalent.
	 */
	SERIALIZABLE_READ,

	/**
	 * A read-only transaction on the primary because no replica was eligible or every
	 * eligible replica failed to give a connection ({@code replica-router.fallback=primary}).
	 */
	FALLBACK,

	/**
	 * A read-only transaction on the primary because no replica had replayed the scope's
	 * last write (read-your-writes).
	 */
	CONSISTENCY,

	/**
	 * A read-only transaction on the primary as its share of the reads
	 * ({@code replica-router.primary.read-weight}): the primary takes part in the read
	 * rotation next to the replicas.
	 */
	PRIMARY_SHARE;

	/**
	 * Return whether work bound to the primary for this reason is a read that a replica
	 * could serve as well (read-your-writes, the fallback, the primary's share of reads):
	 * it may be aborted and run again on a replica when the primary fails under it.
	 * @return whether the primary stands in for a replica
	 */
	public boolean standsInForAReplica() {
		return this == CONSISTENCY || this == FALLBACK || this == PRIMARY_SHARE;
	}

}
