package io.replicarouter.it.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.replicarouter.it.faults.FaultSuiteApplication.Ledger;
import io.replicarouter.it.faults.FaultSuiteApplication.Read;

/**
 * A mixed workload through the application's service: reads, cached reads, writes and
 * write-then-read pairs, on a fixed number of threads. Every acknowledged write is kept in
 * a ledger; what callers saw is counted in the current {@link Window}.
 */
final class Workload implements AutoCloseable {

	private final Ledger ledger;

	private final Map<Long, Long> acknowledged = new ConcurrentHashMap<>();

	private final AtomicReference<Window> window = new AtomicReference<>(new Window());

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final ExecutorService threads;

	private final List<Future<?>> workers = new ArrayList<>();

	Workload(Ledger ledger, int threadCount) {
		this.ledger = ledger;
		this.threads = Executors.newFixedThreadPool(threadCount, (runnable) -> new Thread(runnable, "workload"));
		for (int i = 0; i < threadCount; i++) {
			this.workers.add(this.threads.submit(this::run));
		}
	}

	/** Start counting in a new window and return it. */
	Window newWindow() {
		Window next = new Window();
		this.window.set(next);
		return next;
	}

	/** Every write acknowledged so far: id to value. */
	Map<Long, Long> acknowledged() {
		return Map.copyOf(this.acknowledged);
	}

	private void run() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (this.running.get()) {
			int kind = random.nextInt(10);
			if (kind < 3) {
				read(() -> this.ledger.recentCount());
			}
			else if (kind < 5) {
				read(() -> this.ledger.product(1 + random.nextInt(20)));
			}
			else if (kind < 7) {
				write(random.nextLong(1, Long.MAX_VALUE));
			}
			else {
				long value = random.nextLong(1, Long.MAX_VALUE);
				Long id = write(value);
				if (id != null) {
					Read read = read(() -> this.ledger.find(id));
					if (read != null && (read.value() == null || read.value() != value)) {
						this.window.get().staleRead("row " + id + " read as " + read.value() + " on port " + read.port());
					}
				}
			}
			try {
				Thread.sleep(2);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	private <T> T read(Supplier<T> call) {
		long started = System.nanoTime();
		Window window = this.window.get();
		try {
			T result = call.get();
			window.readOk(System.nanoTime() - started);
			return result;
		}
		catch (RuntimeException ex) {
			window.readFailed(started, System.nanoTime(), ex);
			return null;
		}
	}

	private Long write(long value) {
		long started = System.nanoTime();
		Window window = this.window.get();
		try {
			long id = this.ledger.write(value);
			long ended = System.nanoTime();
			this.acknowledged.put(id, value);
			window.writeOk(started, ended);
			return id;
		}
		catch (RuntimeException ex) {
			window.writeFailed(started, System.nanoTime(), ex);
			return null;
		}
	}

	@Override
	public void close() throws Exception {
		this.running.set(false);
		for (Future<?> worker : this.workers) {
			worker.get(60, TimeUnit.SECONDS);
		}
		this.threads.shutdown();
	}

	/**
	 * A failed call: when it started and ended, and what the caller got.
	 * @param started {@link System#nanoTime()} at the call
	 * @param ended {@link System#nanoTime()} at the failure
	 * @param failure the exception
	 */
	record Failure(long started, long ended, RuntimeException failure) {
	}

	/**
	 * What callers saw during one row of the suite.
	 */
	static final class Window {

		final AtomicLong readsOk = new AtomicLong();

		final AtomicLong writesOk = new AtomicLong();

		final List<Failure> failedReads = java.util.Collections.synchronizedList(new ArrayList<>());

		final List<Failure> failedWrites = java.util.Collections.synchronizedList(new ArrayList<>());

		final List<String> staleReads = java.util.Collections.synchronizedList(new ArrayList<>());

		final AtomicLong maxStallNanos = new AtomicLong();

		final AtomicLong lastWriteOkAt = new AtomicLong(Long.MIN_VALUE);

		private void stall(long nanos) {
			this.maxStallNanos.accumulateAndGet(nanos, Math::max);
		}

		void readOk(long nanos) {
			this.readsOk.incrementAndGet();
			stall(nanos);
		}

		void readFailed(long started, long ended, RuntimeException ex) {
			this.failedReads.add(new Failure(started, ended, ex));
			stall(ended - started);
		}

		void writeOk(long started, long ended) {
			this.writesOk.incrementAndGet();
			this.lastWriteOkAt.accumulateAndGet(ended, Math::max);
			stall(ended - started);
		}

		void writeFailed(long started, long ended, RuntimeException ex) {
			this.failedWrites.add(new Failure(started, ended, ex));
			stall(ended - started);
		}

		void staleRead(String description) {
			this.staleReads.add(description);
		}

		/** Whether a write that started at or after the given time has been acknowledged. */
		boolean writeAcknowledgedSince(long nanoTime) {
			return this.lastWriteOkAt.get() - nanoTime > 0;
		}

	}

}
