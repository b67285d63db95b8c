package io.replicarouter.routing;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.replicarouter.WalPosition;
import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;

import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.UnexpectedRollbackException;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;

class ReadOnlyTransactionRetryInterceptorTests {

	private static final String LOST_THEN_ROLLBACK_ONLY = "lost";

	private final DataSourceNode replica = new DataSourceNode("replica-1", NodeRole.REPLICA, mock(DataSource.class),
			"jdbc:postgresql://r/db", 1);

	private final DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, mock(DataSource.class),
			"jdbc:postgresql://p/db", 1);

	private final List<DataSourceNode> reported = new ArrayList<>();

	@Test
	void readOnlyMethodThatLostItsReplicaRunsAgainAndTheReplicaIsReported() {
		Reads reads = proxy(new Reads(failures(1, "57P01"), this.replica), 3);
		assertThat(reads.read()).isEqualTo("ok");
		assertThat(reads.calls()).isEqualTo(2);
		assertThat(this.reported).containsExactly(this.replica);
	}

	@Test
	void statementCancelledByTheServerIsTheQuerysFailureNotTheReplicas() {
		Reads reads = proxy(new Reads(failures(1, "57014"), this.replica), 3);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(reads::read)
			.withRootCauseInstanceOf(SQLException.class);
		assertThat(reads.calls()).as("not run again elsewhere").isEqualTo(1);
		assertThat(this.reported).isEmpty();
	}

	@Test
	void givesUpAfterMaxAttempts() {
		Reads reads = proxy(new Reads(failures(5, "08006"), this.replica), 3);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(reads::read);
		assertThat(reads.calls()).isEqualTo(3);
	}

	@Test
	void recoveryConflictRunsAgainWithoutReportingTheReplica() {
		Reads reads = proxy(new Reads(failures(1, "40001"), this.replica), 3);
		assertThat(reads.read()).isEqualTo("ok");
		assertThat(this.reported).isEmpty();
	}

	@Test
	void failureOfAReadPinnedToThePrimaryIsNotRetried() {
		Reads reads = proxy(new Reads(failures(1, "08006"), this.primary, RoutingReason.PRIMARY_READ), 3);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(reads::read);
		assertThat(reads.calls()).isEqualTo(1);
	}

	@Test
	void readSentToThePrimaryForReadYourWritesThatLostItRunsAgainWithoutReportingIt() {
		Reads reads = proxy(new Reads(failures(1, "57P01"), this.primary, RoutingReason.CONSISTENCY), 3);
		assertThat(reads.read()).isEqualTo("ok");
		assertThat(reads.calls()).isEqualTo(2);
		assertThat(this.reported).isEmpty();
	}

	@Test
	void attemptAfterThePrimaryFailedChecksThePrimaryFirstAndTheFlagEndsWithTheCall() {
		Reads reads = proxy(new Reads(failures(1, "57P01"), this.primary, RoutingReason.CONSISTENCY), 3);
		assertThat(reads.read()).isEqualTo("ok");
		assertThat(reads.verifyPrimaryPerCall()).containsExactly(false, true);
		assertThat(RoutingThreadState.current().verifyPrimary).isFalse();
	}

	@Test
	void attemptAfterAReplicaFailedDoesNotCheckThePrimary() {
		Reads reads = proxy(new Reads(failures(1, "08006"), this.replica), 3);
		assertThat(reads.read()).isEqualTo("ok");
		assertThat(reads.verifyPrimaryPerCall()).containsExactly(false, false);
	}

	@Test
	void everyAttemptRunsThroughTheInterceptorsAfterThisOneSoEachIsANewTransaction() {
		AtomicInteger inner = new AtomicInteger();
		Reads reads = proxy(new Reads(failures(2, "08006"), this.replica), 3, (MethodInterceptor) (invocation) -> {
			if (invocation.getMethod().getName().equals("read")) {
				inner.incrementAndGet();
			}
			return invocation.proceed();
		});
		assertThat(reads.read()).isEqualTo("ok");
		assertThat(reads.calls()).isEqualTo(3);
		assertThat(inner).as("the transaction interceptor's place").hasValue(3);
	}

	@Test
	void transactionWhoseConnectionBrokeRunsAgainEvenIfTheErrorNoLongerSaysSo() {
		Reads reads = proxy(new Reads(failures(1, LOST_THEN_ROLLBACK_ONLY), this.replica), 3);
		assertThat(reads.read()).isEqualTo("ok");
		assertThat(reads.calls()).isEqualTo(2);
		assertThat(this.reported).containsExactly(this.replica);
	}

	@Test
	void rollbackOnlyWithoutABrokenConnectionIsNotRetried() {
		Reads reads = proxy(new Reads(new ArrayList<>(), this.replica) {

			@Override
			@Transactional(readOnly = true)
			public String read() {
				super.read();
				throw new UnexpectedRollbackException("Transaction silently rolled back");
			}

		}, 3);
		assertThatExceptionOfType(UnexpectedRollbackException.class).isThrownBy(reads::read);
		assertThat(reads.calls()).isEqualTo(1);
	}

	@Test
	void readOnThePrimaryAsFallbackThatFailedOtherwiseIsNotRetried() {
		Reads reads = proxy(new Reads(failures(1, "42P01"), this.primary, RoutingReason.FALLBACK), 3);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(reads::read);
		assertThat(reads.calls()).isEqualTo(1);
	}

	@Test
	void otherFailuresAreNotRetried() {
		Reads reads = proxy(new Reads(failures(1, "42P01"), this.replica), 3);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(reads::read);
		assertThat(reads.calls()).isEqualTo(1);
	}

	@Test
	void readWriteMethodsAreNotRetried() {
		Reads reads = proxy(new Reads(failures(1, "57P01"), this.replica), 3);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(reads::write);
		assertThat(reads.calls()).isEqualTo(1);
	}

	private Reads proxy(Reads target, int maxAttempts, Advice... inner) {
		AnnotationTransactionAttributeSource attributes = new AnnotationTransactionAttributeSource(false);
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvice(new ReadOnlyTransactionRetryInterceptor(attributes, new Reporting(), maxAttempts, () -> { }));
		for (Advice advice : inner) {
			factory.addAdvice(advice);
		}
		return (Reads) factory.getProxy();
	}

	private static List<String> failures(int count, String sqlState) {
		List<String> failures = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			failures.add(sqlState);
		}
		return failures;
	}

	static class Reads {

		private final List<String> failures;

		private final DataSourceNode node;

		private final AtomicInteger calls = new AtomicInteger();

		private final RoutingReason reason;

		Reads(List<String> failures, DataSourceNode node) {
			this(failures, node, RoutingReason.READ_ONLY);
		}

		Reads(List<String> failures, DataSourceNode node, RoutingReason reason) {
			this.failures = failures;
			this.node = node;
			this.reason = reason;
		}

		@Transactional(readOnly = true)
		public String read() {
			return run();
		}

		@Transactional
		public String write() {
			return run();
		}

		private final List<Boolean> verifyPrimaryPerCall = new ArrayList<>();

		private String run() {
			this.calls.incrementAndGet();
			this.verifyPrimaryPerCall.add(RoutingThreadState.current().verifyPrimary);
			RoutingThreadState.current().bound(this.node, this.reason, WalPosition.UNKNOWN);
			if (!this.failures.isEmpty()) {
				String state = this.failures.remove(0);
				if (state.equals(LOST_THEN_ROLLBACK_ONLY)) {
					// what Hibernate leaves when it swallowed the statement's error
					RoutingThreadState.current().connectionLost();
					throw new UnexpectedRollbackException("Transaction silently rolled back");
				}
				throw new DataAccessResourceFailureException("failed", new SQLException("failed " + state, state));
			}
			return "ok";
		}

		int calls() {
			return this.calls.get();
		}

		List<Boolean> verifyPrimaryPerCall() {
			return this.verifyPrimaryPerCall;
		}

	}

	private final class Reporting implements RoutingTopology {

		@Override
		public List<ReplicaCandidate> eligibleReplicas() {
			return List.of();
		}

		@Override
		public String primaryUnavailableReason() {
			return null;
		}

		@Override
		public String describeIneligibleReplicas() {
			return "";
		}

		@Override
		public void reportFailure(DataSourceNode node, Throwable failure) {
			ReadOnlyTransactionRetryInterceptorTests.this.reported.add(node);
		}

	}

}
