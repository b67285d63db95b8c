package io.replicarouter.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import io.replicarouter.benchmarks.stub.StubDriver;
import io.replicarouter.benchmarks.stub.StubDriver.Counts;

/**
 * Counts, through {@link StubDriver}, the statements and round trips each layer makes per
 * transaction, and on which node. The proof that replica-router adds no round trip to a
 * read-only transaction: its count must equal the baseline's.
 */
public final class RoundTripCheck {

	private static final int TRANSACTIONS = 100;

	private static final String PRIMARY = "stub-primary";

	private static final String REPLICA = "stub-replica-1";

	private RoundTripCheck() {
	}

	/**
	 * Count every layer's statements and round trips per transaction.
	 * @return one row per layer
	 * @throws Exception if a layer cannot be built
	 */
	public static List<Row> measure() throws Exception {
		List<Row> rows = new ArrayList<>();
		for (Layer layer : Layer.values()) {
			try (Target target = Target.create(layer, Nodes.stub())) {
				PerNode readOnly = count(target::readOnlyTransaction);
				PerNode readWrite = count(target::readWriteTransaction);
				rows.add(new Row(layer, readOnly, readWrite));
			}
		}
		return rows;
	}

	/**
	 * Fail unless every routing layer's read-only transaction makes as many round trips as
	 * the baseline's and runs on the replica.
	 * @param rows what {@link #measure()} found
	 * @throws IllegalStateException listing every difference
	 */
	public static void verify(List<Row> rows) {
		Row baseline = rows.stream().filter((row) -> row.layer() == Layer.BASELINE).findFirst().orElseThrow();
		List<String> problems = new ArrayList<>();
		for (Row row : rows) {
			if (row.layer() == Layer.BASELINE) {
				continue;
			}
			if (row.readOnly().roundTrips() != baseline.readOnly().roundTrips()) {
				problems.add(row.layer() + ": " + row.readOnly().roundTrips()
						+ " round trips per read-only transaction, the baseline makes "
						+ baseline.readOnly().roundTrips());
			}
			if (row.readOnly().onPrimary().roundTrips() != 0) {
				problems.add(row.layer() + ": the read-only transaction reached the primary " + row.readOnly().onPrimary());
			}
		}
		if (!problems.isEmpty()) {
			throw new IllegalStateException("Round-trip check failed: " + String.join("; ", problems));
		}
	}

	private static PerNode count(Supplier<Integer> transaction) {
		// Warm up, so pool start-up and first-use work are not counted.
		for (int i = 0; i < 5; i++) {
			transaction.get();
		}
		Counts primaryBefore = StubDriver.counts(PRIMARY);
		Counts replicaBefore = StubDriver.counts(REPLICA);
		for (int i = 0; i < TRANSACTIONS; i++) {
			transaction.get();
		}
		Counts primary = StubDriver.counts(PRIMARY).minus(primaryBefore);
		Counts replica = StubDriver.counts(REPLICA).minus(replicaBefore);
		return new PerNode(perTransaction(primary), perTransaction(replica));
	}

	private static Counts perTransaction(Counts counts) {
		if (counts.statements() % TRANSACTIONS != 0 || counts.roundTrips() % TRANSACTIONS != 0) {
			throw new IllegalStateException("Uneven counts over " + TRANSACTIONS + " transactions: " + counts);
		}
		return new Counts(counts.statements() / TRANSACTIONS, counts.roundTrips() / TRANSACTIONS);
	}

	/**
	 * One layer's counts per transaction.
	 * @param layer the layer
	 * @param readOnly per read-only transaction
	 * @param readWrite per read-write transaction
	 */
	public record Row(Layer layer, PerNode readOnly, PerNode readWrite) {
	}

	/**
	 * Counts per node.
	 * @param onPrimary on the primary
	 * @param onReplica on the replica
	 */
	public record PerNode(Counts onPrimary, Counts onReplica) {

		/**
		 * Return the round trips on both nodes.
		 * @return the total
		 */
		public long roundTrips() {
			return this.onPrimary.roundTrips() + this.onReplica.roundTrips();
		}

		/**
		 * Return the statements on both nodes.
		 * @return the total
		 */
		public long statements() {
			return this.onPrimary.statements() + this.onReplica.statements();
		}

		@Override
		public String toString() {
			return "primary " + this.onPrimary.statements() + "/" + this.onPrimary.roundTrips() + ", replica "
					+ this.onReplica.statements() + "/" + this.onReplica.roundTrips();
		}

	}

}
