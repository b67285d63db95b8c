package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.replicarouter.replica.RoundRobinReplicaSelector;
import io.replicarouter.routing.observation.DefaultRoutingObservationConvention;
import io.replicarouter.routing.observation.RoutingObservationContext;
import io.replicarouter.routing.observation.RoutingObservationConvention;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willThrow;
import static org.mockito.Mockito.mock;

/**
 * The observation of each routed connection binding: its key values, its parent, its end,
 * and that nothing is made without a registry that observes.
 */
class BindingObservationTests {

	private final DataSource primaryPool = mock(DataSource.class);

	private final DataSource replicaPool = mock(DataSource.class);

	private final DataSource reportsPool = mock(DataSource.class);

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final RecordingHandler handler = new RecordingHandler();

	private DataSourceNode primary;

	private DataSourceNode replica;

	private DataSourceNode reports;

	@BeforeEach
	void setUp() throws SQLException {
		for (DataSource pool : List.of(this.primaryPool, this.replicaPool, this.reportsPool)) {
			Connection connection = mock(Connection.class);
			given(connection.getAutoCommit()).willReturn(true);
			given(pool.getConnection()).willReturn(connection);
		}
		this.primary = new DataSourceNode("primary", NodeRole.PRIMARY, this.primaryPool, "jdbc:postgresql://p/db", 1);
		this.replica = new DataSourceNode("replica-1", NodeRole.REPLICA, this.replicaPool, "jdbc:postgresql://r1/db",
				1);
		this.reports = new DataSourceNode("reports-1", NodeRole.REPLICA, this.reportsPool, "jdbc:postgresql://r2/db",
				1, null, "reports");
		this.registry.observationConfig().observationHandler(this.handler);
	}

	@Test
	void aReadOnlyTransactionIsObservedOnTheReplicaUntilItsConnectionIsGivenBack() throws SQLException {
		ReplicaRoutingDataSource router = router(List.of(this.replica), Fallback.PRIMARY);
		Connection connection = router.getConnection();
		connection.setReadOnly(true);
		connection.setAutoCommit(false);
		assertThat(this.handler.started).as("nothing is bound before the first statement").isEmpty();
		connection.createStatement();
		assertThat(this.handler.started).hasSize(1);
		assertThat(this.handler.stopped).isEmpty();
		connection.commit();
		connection.close();
		assertThat(this.handler.stopped).hasSize(1);
		Observation.Context context = this.handler.stopped.get(0);
		assertThat(context.getName()).isEqualTo(DefaultRoutingObservationConvention.NAME);
		assertThat(context.getContextualName()).isEqualTo("replica-router replica");
		assertThat(context.getLowCardinalityKeyValues()).containsExactlyInAnyOrder(KeyValue.of("route", "replica"),
				KeyValue.of("node", "replica-1"), KeyValue.of("reason", "read_only"), KeyValue.of("retry", "false"));
		assertThat(context.getHighCardinalityKeyValues()).isEmpty();
	}

	@Test
	void aReadWriteTransactionIsObservedOnThePrimary() throws SQLException {
		ReplicaRoutingDataSource router = router(List.of(this.replica), Fallback.PRIMARY);
		try (Connection connection = router.getConnection()) {
			connection.setAutoCommit(false);
			connection.createStatement();
			connection.commit();
		}
		assertThat(this.handler.stopped).singleElement()
			.satisfies((context) -> assertThat(context.getLowCardinalityKeyValues()).contains(
					KeyValue.of("route", "primary"), KeyValue.of("node", "primary"),
					KeyValue.of("reason", "read_write")));
	}

	@Test
	void aPinnedReadSaysSo() throws SQLException {
		ReplicaRoutingDataSource router = router(List.of(this.replica), Fallback.PRIMARY);
		PrimaryReads.run(() -> readOnce(router));
		assertThat(this.handler.stopped).singleElement()
			.satisfies((context) -> assertThat(context.getLowCardinalityKeyValues())
				.contains(KeyValue.of("route", "primary"), KeyValue.of("reason", "primary_read")));
	}

	@Test
	void aReadWithNoReplicaLeftIsObservedAsTheFallbackOnThePrimary() throws SQLException {
		ReplicaRoutingDataSource router = router(List.of(), Fallback.PRIMARY);
		readOnce(router);
		assertThat(this.handler.stopped).singleElement()
			.satisfies((context) -> assertThat(context.getLowCardinalityKeyValues()).contains(
					KeyValue.of("route", "primary"), KeyValue.of("node", "primary"),
					KeyValue.of("reason", "fallback")));
	}

	@Test
	void aDecisionThatFailsIsObservedWithItsErrorAndNoNode() throws SQLException {
		ReplicaRoutingDataSource router = router(List.of(), Fallback.FAIL);
		Connection connection = router.getConnection();
		connection.setReadOnly(true);
		assertThatExceptionOfType(SQLException.class).isThrownBy(connection::createStatement);
		assertThat(this.handler.stopped).singleElement().satisfies((context) -> {
			assertThat(context.getError()).isInstanceOf(SQLException.class);
			assertThat(context.getLowCardinalityKeyValues()).contains(KeyValue.of("route", "replica"),
					KeyValue.of("node", "none"), KeyValue.of("reason", "read_only"));
		});
	}

	@Test
	void aConnectionLostUnderTheBindingIsItsError() throws SQLException {
		Connection lost = mock(Connection.class);
		given(lost.getAutoCommit()).willReturn(true);
		SQLException failure = new SQLException("An I/O error occurred while sending to the backend", "08006");
		willThrow(failure).given(lost).rollback();
		given(this.replicaPool.getConnection()).willReturn(lost);
		ReplicaRoutingDataSource router = router(List.of(this.replica), Fallback.PRIMARY);
		try (Connection connection = router.getConnection()) {
			connection.setReadOnly(true);
			connection.setAutoCommit(false);
			connection.createStatement();
			connection.rollback();
		}
		assertThat(this.handler.stopped).singleElement().satisfies((context) -> {
			assertThat(context.getError()).isSameAs(failure);
			assertThat(context.getLowCardinalityKeyValues()).contains(KeyValue.of("node", "replica-1"));
		});
	}

	@Test
	void theBindingIsAChildOfTheObservationCurrentWhenItIsMade() throws SQLException {
		ReplicaRoutingDataSource router = router(List.of(this.replica), Fallback.PRIMARY);
		Observation request = Observation.start("http.server.requests", this.registry);
		try (Observation.Scope scope = request.openScope()) {
			readOnce(router);
		}
		request.stop();
		RoutingObservationContext binding = (RoutingObservationContext) this.handler.stopped.stream()
			.filter(RoutingObservationContext.class::isInstance)
			.findFirst()
			.orElseThrow();
		assertThat(binding.getParentObservation()).isSameAs(request);
	}

	@Test
	void groupsAreNamedWhereReplicasAreGrouped() throws SQLException {
		ReplicaRoutingDataSource router = router(List.of(this.replica, this.reports), Fallback.PRIMARY);
		ReplicaReads.inGroup("reports", () -> readOnce(router));
		assertThat(this.handler.stopped).singleElement()
			.satisfies((context) -> assertThat(context.getLowCardinalityKeyValues())
				.contains(KeyValue.of("node", "reports-1"), KeyValue.of("group", "reports")));
	}

	@Test
	void aReadRunAgainAfterANodeFailedSaysItIsARetry() throws SQLException {
		ReplicaRoutingDataSource router = router(List.of(this.replica), Fallback.PRIMARY);
		RoutingTrace trace = RoutingTrace.start(2);
		try {
			readOnce(router);
		}
		finally {
			trace.end();
		}
		assertThat(this.handler.stopped).singleElement()
			.satisfies((context) -> assertThat(context.getLowCardinalityKeyValues())
				.contains(KeyValue.of("retry", "true")));
	}

	@Test
	void aConventionOfTheApplicationReplacesTheDefault() throws SQLException {
		ReplicaRoutingDataSource router = router(List.of(this.replica), Fallback.PRIMARY);
		router.setObservationConvention(new DefaultRoutingObservationConvention() {

			@Override
			public KeyValues getLowCardinalityKeyValues(RoutingObservationContext context) {
				return super.getLowCardinalityKeyValues(context).and("zone", "eu-1");
			}

		});
		readOnce(router);
		assertThat(this.handler.stopped).singleElement()
			.satisfies((context) -> assertThat(context.getLowCardinalityKeyValues())
				.contains(KeyValue.of("zone", "eu-1"), KeyValue.of("node", "replica-1")));
	}

	@Test
	void aPredicateOfTheRegistryTurnsTheObservationOff() throws SQLException {
		// What Boot's management.observations.enable.replica.router.binding=false sets up.
		this.registry.observationConfig()
			.observationPredicate((name, context) -> !name.startsWith(DefaultRoutingObservationConvention.NAME));
		ReplicaRoutingDataSource router = router(List.of(this.replica), Fallback.PRIMARY);
		readOnce(router);
		assertThat(this.handler.started).isEmpty();
		assertThat(this.handler.stopped).isEmpty();
	}

	@Test
	void withoutARegistryThatObservesNoContextIsMade() throws SQLException {
		AtomicInteger contexts = new AtomicInteger();
		RoutingObservationConvention counting = new DefaultRoutingObservationConvention() {

			@Override
			public KeyValues getLowCardinalityKeyValues(RoutingObservationContext context) {
				contexts.incrementAndGet();
				return super.getLowCardinalityKeyValues(context);
			}

		};
		for (ObservationRegistry quiet : List.of(ObservationRegistry.NOOP, ObservationRegistry.create())) {
			ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(
					new DatabaseNodes(this.primary, List.of(this.replica)),
					RoutingTopology.allEligible(List.of(this.replica)), new RoundRobinReplicaSelector(),
					Fallback.PRIMARY, NonTransactionalReads.PRIMARY, true, ConsistencyGuard.NONE);
			router.setObservationRegistry(quiet);
			router.setObservationConvention(counting);
			readOnce(router);
		}
		assertThat(contexts).hasValue(0);
		assertThat(this.handler.started).isEmpty();
	}

	/**
	 * One read-only unit of work, in auto-commit mode.
	 */
	private static void readOnce(ReplicaRoutingDataSource router) {
		try (Connection connection = router.getConnection()) {
			connection.setReadOnly(true);
			connection.createStatement();
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private ReplicaRoutingDataSource router(List<DataSourceNode> eligible, Fallback fallback) {
		List<DataSourceNode> replicas = new ArrayList<>(List.of(this.replica));
		if (eligible.contains(this.reports)) {
			replicas.add(this.reports);
		}
		ReplicaRoutingDataSource router = new ReplicaRoutingDataSource(new DatabaseNodes(this.primary, replicas),
				RoutingTopology.allEligible(eligible), new RoundRobinReplicaSelector(), fallback,
				NonTransactionalReads.PRIMARY, true, ConsistencyGuard.NONE);
		router.setGroupFallbacks(Map.of());
		router.setObservationRegistry(this.registry);
		return router;
	}

	private static final class RecordingHandler implements ObservationHandler<Observation.Context> {

		private final List<Observation.Context> started = new ArrayList<>();

		private final List<Observation.Context> stopped = new ArrayList<>();

		@Override
		public void onStart(Observation.Context context) {
			if (context instanceof RoutingObservationContext) {
				this.started.add(context);
			}
		}

		@Override
		public void onStop(Observation.Context context) {
			if (context instanceof RoutingObservationContext) {
				this.stopped.add(context);
			}
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
