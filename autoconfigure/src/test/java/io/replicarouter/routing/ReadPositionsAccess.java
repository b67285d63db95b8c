package io.replicarouter.routing;

import io.replicarouter.WalPosition;

/**
 * Lets tests in other packages record a read position as the router does.
 */
public final class ReadPositionsAccess {

	private ReadPositionsAccess() {
	}

	public static void record(long position) {
		ReadPositions.record(WalPosition.of(position));
	}

}
