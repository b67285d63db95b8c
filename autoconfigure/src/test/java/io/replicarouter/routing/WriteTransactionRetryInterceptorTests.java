package io.replicarouter.routing;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.replicarouter.WalPosition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.annotation.AnnotationTransactionAttributeSource;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.mockito.Mockito.mock;

class WriteTransactionRetryInterceptorTests {

	private final DataSourceNode primary = new DataSourceNode("primary", NodeRole.PRIMARY, mock(DataSource.class),
			"jdbc:postgresql://p/db", 1);

	private final Topology topology = new Topology();

	@Test
	void aWriteThatCouldNotGetThePrimaryRunsAgainOnceThePrimaryIsBack() {
		Writes writes = proxy(new Writes(1, false), 3);
		assertThat(writes.write()).isEqualTo("ok");
		assertThat(writes.calls()).isEqualTo(2);
	}

	@Test
	void itWaitsForThePrimaryAndGivesUpWhenItStaysDown() {
		this.topology.outage = new PrimaryOutage(Instant.now(), "probe failed");
		Writes writes = proxy(new Writes(1, false), 3, Duration.ofMillis(150));
		long started = System.nanoTime();
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(writes::write);
		assertThat(writes.calls()).isEqualTo(1);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
	}

	@Test
	void anAttemptThatWroteIsNeverRunAgain() {
		Writes writes = proxy(new Writes(1, true), 3);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(writes::write);
		assertThat(writes.calls()).isEqualTo(1);
	}

	@Test
	void aFailureAfterAStatementWasSentIsNotRunAgain() {
		Writes writes = proxy(new Writes(1, false) {

			@Override
			void fail() {
				throw new DataAccessResourceFailureException("lost",
						new SQLException("An I/O error occurred while sending to the backend.", "08006"));
			}

		}, 3);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(writes::write);
		assertThat(writes.calls()).isEqualTo(1);
	}

	@Test
	void givesUpAfterMaxAttemptsAndLeavesReadOnlyMethodsAlone() {
		Writes writes = proxy(new Writes(5, false), 3);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(writes::write);
		assertThat(writes.calls()).isEqualTo(3);
		Writes reads = proxy(new Writes(1, false), 3);
		assertThatExceptionOfType(DataAccessResourceFailureException.class).isThrownBy(reads::read);
		assertThat(reads.calls()).isEqualTo(1);
	}

	private Writes proxy(Writes target, int maxAttempts) {
		return proxy(target, maxAttempts, Duration.ofSeconds(5));
	}

	private Writes proxy(Writes target, int maxAttempts, Duration maxWait) {
		ProxyFactory factory = new ProxyFactory(target);
		factory.setProxyTargetClass(true);
		factory.addAdvice(new WriteTransactionRetryInterceptor(new AnnotationTransactionAttributeSource(false),
				this.topology, maxAttempts, maxWait, () -> { }));
		return (Writes) factory.getProxy();
	}

	class Writes {

		private int failures;

		private final boolean wroteFirst;

		private final AtomicInteger calls = new AtomicInteger();

		Writes(int failures, boolean wroteFirst) {
			this.failures = failures;
			this.wroteFirst = wroteFirst;
		}

		@Transactional
		public String write() {
			return run();
		}

		@Transactional(readOnly = true)
		public String read() {
			return run();
		}

		private String run() {
			this.calls.incrementAndGet();
			if (this.wroteFirst) {
				// an inner REQUIRES_NEW transaction that committed before the failure
				RoutingThreadState.current().bound(WriteTransactionRetryInterceptorTests.this.primary,
						RoutingReason.READ_WRITE, WalPosition.CURRENT);
			}
			if (this.failures > 0) {
				this.failures--;
				fail();
			}
			return "ok";
		}

		void fail() {
			throw new DataAccessResourceFailureException("no primary",
					new PrimaryUnavailableException("it is down"));
		}

		int calls() {
			return this.calls.get();
		}

	}

	private static final class Topology implements RoutingTopology {

		private volatile @Nullable PrimaryOutage outage;

		@Override
		public List<ReplicaCandidate> eligibleReplicas() {
			return List.of();
		}

		@Override
		public @Nullable String primaryUnavailableReason() {
			return null;
		}

		@Override
		public @Nullable PrimaryOutage primaryOutage() {
			return this.outage;
		}

		@Override
		public String describeIneligibleReplicas() {
			return "";
		}

		@Override
		public void reportFailure(DataSourceNode node, Throwable failure) {
		}

	}

}
