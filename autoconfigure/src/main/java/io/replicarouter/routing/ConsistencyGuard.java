package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

import io.replicarouter.WalPosition;

/**
 * What the router asks of the consistency layer (read-your-writes). Called on the
 * transaction path: implementations keep their state in memory and do no I/O except the
 * one query {@link #afterWrite(Connection)} may run.
 */
public interface ConsistencyGuard {

	/**
	 * A guard that requires nothing: plain routing.
	 */
	ConsistencyGuard NONE = new ConsistencyGuard() {

		@Override
		public void afterWrite(Connection primary) {
		}

		@Override
		public WalPosition requiredPosition() {
			return WalPosition.ZERO;
		}

		@Override
		public void afterRead(WalPosition replayPosition) {
		}

		@Override
		public Duration maxWait() {
			return Duration.ZERO;
		}

		@Override
		public boolean queriesAfterWrite() {
			return false;
		}

		@Override
		public boolean commitAndRecordWrite(Connection primary) throws SQLException {
			primary.commit();
			return true;
		}

	};

	/**
	 * Called after work on the primary committed, with the physical connection, idle and in
	 * auto-commit mode, on which at most one small query may run (for example to read the
	 * primary's WAL position).
	 * @param primary the connection to the primary
	 * @throws SQLException if that query fails
	 */
	void afterWrite(Connection primary) throws SQLException;

	/**
	 * Commit a transaction on the primary that may have written, and record its write.
	 * Implementations may read what they need in the same round trip as the commit. The
	 * default commits and leaves the recording to {@link #afterWrite(Connection)}.
	 * @param primary the connection to the primary, in the transaction
	 * @return whether the write was recorded; {@code false} when the caller must call
	 * {@link #afterWrite(Connection)}
	 * @throws SQLException if the commit fails
	 */
	default boolean commitAndRecordWrite(Connection primary) throws SQLException {
		primary.commit();
		return false;
	}

	/**
	 * Return the WAL position a replica must have replayed to serve the next read of the
	 * current scope.
	 * @return the position; {@link WalPosition#ZERO} when any eligible replica will do,
	 * {@link WalPosition#CURRENT} when the read must run on the primary
	 */
	WalPosition requiredPosition();

	/**
	 * Called when a read was bound to a replica, with the replica's replay position as far
	 * as it is known, so later reads of the scope never see older data.
	 * @param replayPosition the position, {@link WalPosition#UNKNOWN} when not known
	 */
	void afterRead(WalPosition replayPosition);

	/**
	 * Return, when {@link #requiredPosition()} returns {@link WalPosition#CURRENT}, how much
	 * longer a replica in rotation may miss the current scope's last write: a read whose
	 * primary is unavailable waits that long and then runs on a replica, or fails if this is
	 * longer than {@link #maxWaitWithoutPrimary()}. By default the time is unknown, so such
	 * reads fail while the primary is unavailable.
	 * @return the time left, zero when any replica in rotation already has the write
	 */
	default Duration primaryOnlyRemaining() {
		return ChronoUnit.FOREVER.getDuration();
	}

	/**
	 * Return whether {@link #afterWrite(Connection)} runs a query on the connection, so the
	 * router must hand it over idle and in auto-commit mode.
	 * @return whether the connection is used
	 */
	default boolean queriesAfterWrite() {
		return true;
	}

	/**
	 * Return how long a read may wait for a replica to replay the required position before
	 * it runs on the primary instead.
	 * @return the longest wait, zero for none
	 */
	Duration maxWait();

	/**
	 * Return how long a read may wait for a replica to replay the required position when
	 * the primary, which would otherwise serve it, is unavailable: waiting is then the only
	 * way to answer without returning data older than the scope's write.
	 * @return the longest wait, at least {@link #maxWait()}
	 */
	default Duration maxWaitWithoutPrimary() {
		return maxWait();
	}

}
