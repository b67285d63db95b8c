package io.replicarouter.routing;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.context.ThreadLocalAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A primary pin travels with Micrometer context snapshots and ends with the task.
 */
class PrimaryReadThreadLocalAccessorTests {

	private final ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder()
		.contextRegistry(new ContextRegistry().registerThreadLocalAccessor(new PrimaryReadThreadLocalAccessor()))
		.build();

	private final ExecutorService worker = Executors.newSingleThreadExecutor();

	@AfterEach
	void stop() {
		this.worker.shutdownNow();
	}

	@Test
	void isRegisteredForTheServiceLoader() {
		assertThat(ContextRegistry.getInstance().getThreadLocalAccessors()).map(ThreadLocalAccessor::key)
			.contains(PrimaryReadThreadLocalAccessor.KEY);
	}

	@Test
	void aTaskHandedOffInsideAPinIsPinnedAndTheWorkerIsUnpinnedAfterwards() throws Exception {
		Runnable[] task = new Runnable[1];
		boolean[] pinnedInTask = new boolean[1];
		PrimaryReads.run(() -> task[0] = this.snapshots.captureAll().wrap(() -> {
			pinnedInTask[0] = PrimaryReads.isActive();
		}));
		this.worker.submit(task[0]).get();
		assertThat(pinnedInTask[0]).isTrue();
		assertThat(this.worker.submit(PrimaryReads::isActive).get()).isFalse();
	}

	@Test
	void aTaskHandedOffOutsideAPinIsNotPinned() throws Exception {
		Runnable task = this.snapshots.captureAll().wrap(() -> {
			assertThat(PrimaryReads.isActive()).isFalse();
		});
		this.worker.submit(task).get();
	}

	@Test
	void aPinTheTaskStartsItselfEndsWithIt() throws Exception {
		Runnable task = this.snapshots.captureAll().wrap(() -> PrimaryReads.run(() -> { }));
		this.worker.submit(task).get();
		assertThat(this.worker.submit(PrimaryReads::isActive).get()).isFalse();
	}

}
