package io.replicarouter.routing;

/**
 * Lets tests in other packages record a read position as the router does.
 */
public final class ReadPositionsAccess {

	private ReadPositionsAccess() {
	}

	public static void record(long position) {
		ReadPositions.record(position);
	}

}
