package io.replicarouter.consistency;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import io.replicarouter.WalPosition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The consistency scope travels with Micrometer context snapshots, and the thread that ran
 * the task gets its own scope back afterwards.
 */
class ConsistencyScopeThreadLocalAccessorTests {

	private final ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder()
		.contextRegistry(new ContextRegistry().registerThreadLocalAccessor(new ConsistencyScopeThreadLocalAccessor()))
		.build();

	private final ExecutorService worker = Executors.newSingleThreadExecutor();

	@AfterEach
	void stop() {
		this.worker.shutdownNow();
	}

	@Test
	void isRegisteredForTheServiceLoader() {
		assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).map(ThreadLocalAccessor::key)
			.contains(ConsistencyScopeThreadLocalAccessor.KEY);
	}

	@Test
	void theTaskSharesTheCallersOpenedScopeAndTheWorkerDropsItAfterwards() throws Exception {
		ConsistencyScope shared;
		try (ConsistencyScope.Opened opened = ConsistencyScope.open(new ConsistencyToken(WalPosition.of(10), 1000), null)) {
			AtomicReference<ConsistencyScope> seen = new AtomicReference<>();
			this.worker.submit(this.snapshots.captureAll().wrap(() -> seen.set(ConsistencyScope.current()))).get();
			assertThat(seen.get()).isSameAs(opened.scope());
			shared = opened.scope();
		}
		ConsistencyScope workersAfter = this.worker.submit(ConsistencyScope::current).get();
		assertThat(workersAfter).isNotSameAs(shared);
		assertThat(workersAfter.token().isEmpty()).isTrue();
	}

	@Test
	void writesOnTheWorkerAreSeenByTheCaller() throws Exception {
		ScopedConsistencyGuard guard = new ScopedConsistencyGuard(ConsistencyMode.STICKY, Duration.ZERO,
				Duration.ofSeconds(2), Duration.ofSeconds(2), Clock.systemUTC());
		try (ConsistencyScope.Opened opened = ConsistencyScope.open(ConsistencyToken.EMPTY, null)) {
			CompletableFuture.runAsync(this.snapshots.captureAll().wrap(() -> guard.afterWrite(null)), this.worker)
				.get();
			assertThat(opened.scope().token().isEmpty()).isFalse();
			assertThat(guard.requiredPosition()).isEqualTo(WalPosition.CURRENT);
		}
	}

	@Test
	void aThreadsOwnScopeIsCarriedOnceItRecordedSomething() throws Exception {
		ConsistencyScope.setCurrent(null);
		assertThat(new ConsistencyScopeThreadLocalAccessor().getValue()).as("idle thread").isNull();
		ConsistencyScope.current().require(new ConsistencyToken(WalPosition.of(5), 500));
		try {
			ConsistencyScope own = ConsistencyScope.current();
			AtomicReference<ConsistencyScope> seen = new AtomicReference<>();
			this.worker.submit(this.snapshots.captureAll().wrap(() -> seen.set(ConsistencyScope.current()))).get();
			assertThat(seen.get()).isSameAs(own);
		}
		finally {
			ConsistencyScope.setCurrent(null);
		}
	}

}
