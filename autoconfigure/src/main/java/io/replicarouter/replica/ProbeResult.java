package io.replicarouter.replica;

import io.replicarouter.WalPosition;
import org.jspecify.annotations.Nullable;

/**
 * What one probe query returned.
 * @param inRecovery {@code pg_is_in_recovery()}
 * @param currentLsn {@code pg_current_wal_lsn()} on a primary, {@link WalPosition#UNKNOWN} on a
 * replica
 * @param receiveLsn {@code pg_last_wal_receive_lsn()}, or {@link WalPosition#UNKNOWN}
 * @param replayLsn {@code pg_last_wal_replay_lsn()}, or {@link WalPosition#UNKNOWN}
 * @param serverIdentity the server's address, port and start time: changes when another
 * server, or a restarted one, answers
 * @param systemIdentifier the cluster's {@code system_identifier} ({@code pg_control_system()}):
 * the same on a primary and every standby streaming from it, or {@code null} when it could
 * not be read
 */
record ProbeResult(boolean inRecovery, WalPosition currentLsn, WalPosition receiveLsn, WalPosition replayLsn,
		String serverIdentity, @Nullable String systemIdentifier) {

	ProbeResult(boolean inRecovery, WalPosition currentLsn, WalPosition receiveLsn, WalPosition replayLsn,
			String serverIdentity) {
		this(inRecovery, currentLsn, receiveLsn, replayLsn, serverIdentity, null);
	}

}
