package io.replicarouter.routing;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A read's staleness bound travels with Micrometer context snapshots and ends with the
 * task.
 */
class ReplicaReadThreadLocalAccessorTests {

	private final ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder()
		.contextRegistry(new ContextRegistry().registerThreadLocalAccessor(new ReplicaReadThreadLocalAccessor()))
		.build();

	private final ExecutorService worker = Executors.newSingleThreadExecutor();

	@AfterEach
	void stop() {
		this.worker.shutdownNow();
	}

	@Test
	void isRegisteredForTheServiceLoader() {
		assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).map(ThreadLocalAccessor::key)
			.contains(ReplicaReadThreadLocalAccessor.KEY);
	}

	@Test
	void aTaskHandedOffInsideABoundKeepsItAndTheWorkerIsUnboundAfterwards() throws Exception {
		Runnable[] task = new Runnable[1];
		Duration[] inTask = new Duration[1];
		ReplicaReads.withMaxLag(Duration.ofSeconds(30), () -> {
			task[0] = this.snapshots.captureAll().wrap(() -> {
				inTask[0] = ReplicaReads.maxLag();
			});
		});
		this.worker.submit(task[0]).get();
		assertThat(inTask[0]).isEqualTo(Duration.ofSeconds(30));
		assertThat(this.worker.submit(ReplicaReads::maxLag).get()).isNull();
	}

	@Test
	void aTaskHandedOffOutsideABoundHasNone() throws Exception {
		Runnable task = this.snapshots.captureAll().wrap(() -> {
			assertThat(ReplicaReads.maxLag()).isNull();
		});
		this.worker.submit(task).get();
	}

}
