package io.replicarouter.consistency;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;

import io.replicarouter.WalPosition;
import io.replicarouter.routing.ConsistencyGuard;
import io.replicarouter.routing.ReplicaReads;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Read-your-writes for the current {@link ConsistencyScope}.
 * <p>
 * In {@link ConsistencyMode#LSN} mode a commit on the primary is followed by one query for
 * the primary's WAL insert position, recorded in the scope; a later read of the scope needs
 * a replica that has replayed it (and any position the scope already read at, so reads
 * never go back in time). A token stops mattering once it is older than
 * {@code tokenTtl}: by then every replica in rotation has replayed it, since none lags more
 * than {@code max-lag}. A write whose position could not be read (the primary failed
 * right after the commit) sends the scope's reads to the primary for that lifetime
 * instead. A token dated in the future is ignored, so a client cannot pin its reads to the
 * primary for ever.
 * <p>
 * In {@link ConsistencyMode#STICKY} mode a write sends the scope's reads to the primary for
 * {@code stickyWindow}, and no query is run.
 */
public final class ScopedConsistencyGuard implements ConsistencyGuard {

	private static final Log logger = LogFactory.getLog(ScopedConsistencyGuard.class);

	private static final String INSERT_POSITION = "select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0')::bigint";

	/**
	 * Whether the transaction was given a transaction id (it wrote), the commit, and the WAL
	 * insert position after it: one round trip, as the driver sends the three statements
	 * with one synchronization.
	 */
	private static final String COMMIT_WITH_POSITION = "select pg_current_xact_id_if_assigned() is not null; commit; "
			+ INSERT_POSITION;

	/**
	 * SQLSTATE in_failed_sql_transaction: statements of a transaction that failed are
	 * refused until it ends.
	 */
	private static final String ABORTED_TRANSACTION = "25P02";

	private static final long FUTURE_TOLERANCE_MILLIS = 5_000;

	private final ConsistencyMode mode;

	private final Duration maxWait;

	private final long stickyWindowMillis;

	private final long tokenTtlMillis;

	private final Clock clock;

	/**
	 * Create a guard.
	 * @param mode {@link ConsistencyMode#LSN} or {@link ConsistencyMode#STICKY}
	 * @param maxWait how long a read may wait for a replica to catch up
	 * @param stickyWindow how long reads go to the primary after a write in sticky mode
	 * @param tokenTtl how long an LSN token is honoured, and how long reads go to the
	 * primary after a write whose position could not be read in LSN mode
	 * @param clock the clock
	 */
	public ScopedConsistencyGuard(ConsistencyMode mode, Duration maxWait, Duration stickyWindow, Duration tokenTtl,
			Clock clock) {
		Assert.isTrue(mode != ConsistencyMode.NONE, "Use ConsistencyGuard.NONE for mode NONE");
		this.mode = mode;
		this.maxWait = maxWait;
		this.stickyWindowMillis = stickyWindow.toMillis();
		this.tokenTtlMillis = tokenTtl.toMillis();
		this.clock = clock;
	}

	@Override
	public void afterWrite(Connection primary) {
		long now = this.clock.millis();
		WalPosition position = WalPosition.UNKNOWN;
		if (this.mode == ConsistencyMode.LSN) {
			try (Statement statement = primary.createStatement();
					ResultSet result = statement.executeQuery(INSERT_POSITION)) {
				result.next();
				position = WalPosition.of(result.getLong(1));
			}
			catch (SQLException ex) {
				// The write committed; without its position the scope reads from the primary
				// until every replica in rotation has replayed it.
				logger.warn("Could not read the primary's WAL position after a write (" + ex.getMessage()
						+ "); reads of this scope go to the primary for " + this.tokenTtlMillis + " ms");
			}
		}
		recordWrite(position, now);
	}

	private void recordWrite(WalPosition position) {
		recordWrite(position, this.clock.millis());
	}

	private void recordWrite(WalPosition position, long now) {
		ConsistencyScope scope = ConsistencyScope.current();
		scope.expireTokenWrittenBefore(now - tokenLifetimeMillis());
		scope.recordWrite(this, position, now);
	}

	/**
	 * In LSN mode, commit and read, in the same round trip, whether the transaction wrote
	 * anything (a transaction id was assigned) and the primary's WAL insert position after
	 * the commit: a transaction that wrote nothing leaves the scope as it was, and a write
	 * costs no round trip more than the commit. In sticky mode, commit and record the time.
	 */
	@Override
	public boolean commitAndRecordWrite(Connection primary) throws SQLException {
		if (this.mode != ConsistencyMode.LSN) {
			primary.commit();
			afterWrite(primary);
			return true;
		}
		boolean wrote;
		WalPosition position;
		// Prepared, so that the driver keeps the parsed statements per connection and, from
		// its prepareThreshold on, has the server keep their plans: the two queries then cost
		// the server a bind and an execute each, not a parse and plan. A URL that turns
		// server-side statements off (prepareThreshold=0, as PgBouncer's transaction mode
		// needs) is honoured, as for the application's own statements.
		try (PreparedStatement statement = primary.prepareStatement(COMMIT_WITH_POSITION)) {
			statement.execute();
			// The answers are in memory once execute returns: read them from the driver's own
			// statement, not through the pool's wrapper, which would wrap each result set.
			// Executing stays on the wrapper, so the pool sees the failures of the round trip.
			PreparedStatement results = statement.unwrap(PreparedStatement.class);
			wrote = firstRow(results.getResultSet()).getBoolean(1);
			results.getMoreResults();
			results.getMoreResults();
			position = WalPosition.of(firstRow(results.getResultSet()).getLong(1));
		}
		catch (SQLException ex) {
			String state = ex.getSQLState();
			if (ABORTED_TRANSACTION.equals(state)) {
				// The transaction had failed before the commit: the driver's own commit says
				// so the way callers expect (it ends the transaction and throws).
				primary.commit();
			}
			else if (state == null || state.startsWith("08") || state.startsWith("57P")) {
				// The connection went away: the commit may have been applied. Reads of the
				// scope go to the primary until every replica in rotation has any such write.
				recordWrite(WalPosition.UNKNOWN);
			}
			throw ex;
		}
		if (wrote) {
			recordWrite(position);
		}
		return true;
	}

	private static ResultSet firstRow(@Nullable ResultSet result) throws SQLException {
		if (result == null || !result.next()) {
			throw new SQLException("The commit's position query returned no row", "XX000");
		}
		return result;
	}

	@Override
	public WalPosition requiredPosition() {
		ConsistencyScope scope = ConsistencyScope.current();
		if (!scope.ownedBy(this)) {
			return WalPosition.ZERO;
		}
		// A read with a staleness bound of its own (ReplicaReads) accepts data older than
		// what the scope read before, within that bound: it keeps read-your-writes, not
		// monotonic reads.
		WalPosition seen = (this.mode == ConsistencyMode.LSN && ReplicaReads.maxLag() == null) ? scope.seenPosition()
				: WalPosition.ZERO;
		ConsistencyToken token = validToken(scope);
		if (token == null) {
			return seen;
		}
		long age = this.clock.millis() - token.writtenAt();
		if (isPrimaryOnly(token)) {
			return (age < primaryOnlyMillis()) ? WalPosition.CURRENT : seen;
		}
		if (age > this.tokenTtlMillis) {
			return seen;
		}
		return token.position().max(seen);
	}

	/**
	 * Return how much longer a replica in rotation may miss the scope's last write, when its
	 * reads must run on the primary: the rest of the token lifetime after a write whose
	 * position is unknown, or of the sticky window in sticky mode (at most the token
	 * lifetime, since no replica in rotation lags more).
	 * @return the time left, zero when the scope's reads need not run on the primary
	 */
	@Override
	public Duration primaryOnlyRemaining() {
		ConsistencyScope scope = ConsistencyScope.current();
		ConsistencyToken token = scope.ownedBy(this) ? validToken(scope) : null;
		if (token == null || !isPrimaryOnly(token)) {
			return Duration.ZERO;
		}
		long age = Math.max(0, this.clock.millis() - token.writtenAt());
		return Duration.ofMillis(Math.max(0, Math.min(primaryOnlyMillis(), this.tokenTtlMillis) - age));
	}

	/**
	 * Return the scope's token if it requires anything: not empty, and not dated in the
	 * future (beyond clock skew), which would let a client pin its reads for ever.
	 */
	private @Nullable ConsistencyToken validToken(ConsistencyScope scope) {
		ConsistencyToken token = scope.token();
		if (token.isEmpty()) {
			return null;
		}
		if (token.writtenAt() - this.clock.millis() > FUTURE_TOLERANCE_MILLIS) {
			if (logger.isDebugEnabled()) {
				logger.debug("Ignoring a consistency token dated in the future: " + token.encode());
			}
			return null;
		}
		return token;
	}

	/**
	 * Return whether the token sends reads to the primary rather than naming a position:
	 * sticky mode, or a write whose position could not be read.
	 */
	private boolean isPrimaryOnly(ConsistencyToken token) {
		return this.mode == ConsistencyMode.STICKY || token.isPositionUnknown();
	}

	private long primaryOnlyMillis() {
		return (this.mode == ConsistencyMode.STICKY) ? this.stickyWindowMillis : this.tokenTtlMillis;
	}

	@Override
	public void afterRead(WalPosition replayPosition) {
		if (this.mode == ConsistencyMode.LSN && replayPosition.isKnown()) {
			ConsistencyScope.current().recordSeen(this, replayPosition);
		}
	}

	@Override
	public Duration maxWait() {
		return this.maxWait;
	}

	/**
	 * Return the token lifetime (or {@link #maxWait()} if longer): a replica in rotation lags
	 * less than that, so by then it has replayed any write the primary acknowledged.
	 * @return the longest wait for a replica while the primary is unavailable
	 */
	@Override
	public Duration maxWaitWithoutPrimary() {
		Duration lifetime = Duration.ofMillis(this.tokenTtlMillis);
		return (lifetime.compareTo(this.maxWait) > 0) ? lifetime : this.maxWait;
	}

	@Override
	public boolean queriesAfterWrite() {
		return this.mode == ConsistencyMode.LSN;
	}

	/**
	 * Return how long a token matters after its write: the longest a client needs to keep
	 * it.
	 * @return the token lifetime
	 */
	public Duration tokenLifetime() {
		return Duration.ofMillis(tokenLifetimeMillis());
	}

	private long tokenLifetimeMillis() {
		return (this.mode == ConsistencyMode.STICKY) ? this.stickyWindowMillis : this.tokenTtlMillis;
	}

}
