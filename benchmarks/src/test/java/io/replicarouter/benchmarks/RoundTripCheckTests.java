package io.replicarouter.benchmarks;

import java.util.List;

import io.replicarouter.benchmarks.RoundTripCheck.PerNode;
import io.replicarouter.benchmarks.RoundTripCheck.Row;
import io.replicarouter.benchmarks.stub.StubDriver.Counts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

class RoundTripCheckTests {

	private static List<Row> rows;

	@BeforeAll
	static void measure() throws Exception {
		// Builds every layer once: Spring contexts and ShardingSphere take seconds to start.
		rows = RoundTripCheck.measure();
	}

	@Test
	void everyLayerMakesAsManyRoundTripsPerReadOnlyTransactionAsTheBaselineAndReadsFromTheReplica() {
		assertThatNoException().isThrownBy(() -> RoundTripCheck.verify(rows));
		Row baseline = row(rows, Layer.BASELINE);
		assertThat(baseline.readOnly().onPrimary().roundTrips()).isEqualTo(2);
		assertThat(row(rows, Layer.ROUTER).readOnly().onReplica()).isEqualTo(baseline.readOnly().onPrimary());
	}

	@Test
	void lsnModeTakesTheWalPositionInTheCommitsRoundTrip() {
		Row baseline = row(rows, Layer.BASELINE);
		Row router = row(rows, Layer.ROUTER);
		// The commit travels as SQL with the two position queries: one statement more,
		// no round trip more.
		assertThat(router.readWrite().onPrimary().statements())
			.isEqualTo(baseline.readWrite().onPrimary().statements() + 1);
		assertThat(router.readWrite().onPrimary().roundTrips()).isEqualTo(baseline.readWrite().onPrimary().roundTrips());
		assertThat(router.readWrite().onReplica().roundTrips()).isZero();
		assertThat(row(rows, Layer.ROUTER_NONE).readWrite().onPrimary()).isEqualTo(baseline.readWrite().onPrimary());
	}

	@Test
	void theAwsWrapperReadsFromTheReplicaAndWritesOnThePrimary() {
		Row baseline = row(rows, Layer.BASELINE);
		Row aws = row(rows, Layer.AWS_WRAPPER);
		assertThat(aws.readOnly().onReplica()).isEqualTo(baseline.readOnly().onPrimary());
		assertThat(aws.readWrite().onPrimary()).isEqualTo(baseline.readWrite().onPrimary());
	}

	@Test
	void theCheckFailsLoudlyWhenALayerMakesAnExtraRoundTrip() {
		Row router = row(rows, Layer.ROUTER);
		Row slower = new Row(Layer.ROUTER, new PerNode(router.readOnly().onPrimary(),
				new Counts(1, 3)), router.readWrite());
		List<Row> withExtra = rows.stream().map((row) -> (row.layer() == Layer.ROUTER) ? slower : row).toList();
		assertThatIllegalStateException()
			.isThrownBy(() -> RoundTripCheck.verify(withExtra))
			.withMessageContaining("3 round trips per read-only transaction, the baseline makes 2");
	}

	private static Row row(List<Row> rows, Layer layer) {
		return rows.stream().filter((row) -> row.layer() == layer).findFirst().orElseThrow();
	}

}
