package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.replicarouter.WalPosition;
import org.jspecify.annotations.Nullable;

/**
 * Asks a replica, over a connection just taken for a read, how far it has replayed: used
 * only when the monitor's cached position is not enough for the read's consistency
 * requirement.
 */
final class ReplayPositions {

	private static final String REPLAY_POSITION = "select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint";

	/**
	 * First re-check after a millisecond: a healthy replica replays a write well within it,
	 * so a read that waits for its scope's write seldom waits longer. Doubling from there up
	 * to {@link #MAX_POLL_MILLIS}, so that a long wait (for a replica far behind, or while the
	 * primary is down) asks at most every 5 ms.
	 */
	private static final long FIRST_POLL_MILLIS = 1;

	private static final long MAX_POLL_MILLIS = 5;

	private ReplayPositions() {
	}

	/**
	 * Wait until the replica has replayed the position, at most {@code maxWait}.
	 * @param connection a connection to the replica in auto-commit mode, so that no
	 * snapshot is taken before the read's own transaction starts
	 * @param required the position
	 * @param maxWait how long to wait, zero to check once
	 * @return the replica's replay position if it reached {@code required}, otherwise
	 * {@code null}
	 * @throws SQLException if the query fails
	 */
	static @Nullable WalPosition awaitReplay(Connection connection, WalPosition required, Duration maxWait)
			throws SQLException {
		long deadline = System.nanoTime() + maxWait.toNanos();
		long pollMillis = FIRST_POLL_MILLIS;
		try (Statement statement = connection.createStatement()) {
			while (true) {
				WalPosition replayed;
				try (ResultSet result = statement.executeQuery(REPLAY_POSITION)) {
					result.next();
					long value = result.getLong(1);
					if (result.wasNull()) {
						return null;
					}
					replayed = WalPosition.of(value);
				}
				if (replayed.isAtLeast(required)) {
					return replayed;
				}
				if (System.nanoTime() + pollMillis * 1_000_000 > deadline) {
					return null;
				}
				try {
					Thread.sleep(pollMillis);
					pollMillis = Math.min(pollMillis * 2, MAX_POLL_MILLIS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return null;
				}
			}
		}
	}

}
