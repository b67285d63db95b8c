package io.replicarouter.it.damping;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.replicarouter.it.Server;

/**
 * Threads that run read-only transactions in a loop and count what happened: reads that
 * succeeded, on a replica or on the primary, and reads that failed (with their errors).
 */
final class ReadLoad implements AutoCloseable {

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final ExecutorService threads;

	private final AtomicLong replicaReads = new AtomicLong();

	private final AtomicLong primaryReads = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private final AtomicLong longestNanos = new AtomicLong();

	private final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

	ReadLoad(int threads, Supplier<Server> read) {
		this.threads = Executors.newFixedThreadPool(threads);
		for (int i = 0; i < threads; i++) {
			this.threads.submit(() -> {
				while (this.running.get()) {
					long started = System.nanoTime();
					try {
						Server server = read.get();
						(server.inRecovery() ? this.replicaReads : this.primaryReads).incrementAndGet();
					}
					catch (RuntimeException ex) {
						this.failures.incrementAndGet();
						if (this.errors.size() < 20) {
							this.errors.add(ex);
						}
					}
					this.longestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
				}
			});
		}
	}

	Counts counts() {
		return new Counts(this.replicaReads.get(), this.primaryReads.get(), this.failures.get(),
				this.longestNanos.get() / 1_000_000);
	}

	List<Throwable> errors() {
		return new ArrayList<>(this.errors);
	}

	@Override
	public void close() throws InterruptedException {
		this.running.set(false);
		this.threads.shutdown();
		if (!this.threads.awaitTermination(60, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Reader threads did not stop");
		}
	}

	/**
	 * What the readers did so far.
	 * @param replicaReads reads served by a replica
	 * @param primaryReads reads served by the primary
	 * @param failures reads that failed
	 * @param longestMillis the longest read
	 */
	record Counts(long replicaReads, long primaryReads, long failures, long longestMillis) {

		long reads() {
			return this.replicaReads + this.primaryReads;
		}

		Counts since(Counts before) {
			return new Counts(this.replicaReads - before.replicaReads, this.primaryReads - before.primaryReads,
					this.failures - before.failures, this.longestMillis);
		}

		double primaryShare() {
			return (reads() == 0) ? 0 : (double) this.primaryReads / reads();
		}

		@Override
		public String toString() {
			return reads() + " reads (" + this.replicaReads + " on replicas, " + this.primaryReads + " on the primary), "
					+ this.failures + " failed, longest " + this.longestMillis + " ms";
		}

	}

}
