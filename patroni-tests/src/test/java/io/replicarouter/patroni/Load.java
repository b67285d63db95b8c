package io.replicarouter.patroni;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Threads that read and write through the application's service until stopped, keeping
 * every failed read, every acknowledged write and when it was acknowledged, and which
 * server served each read.
 */
final class Load implements AutoCloseable {

	private static final AtomicLong IDS = new AtomicLong();

	private final PatroniRoutingIT.Ledger ledger;

	private final AtomicBoolean running = new AtomicBoolean(true);

	private final List<Thread> threads = new ArrayList<>();

	private final ConcurrentLinkedQueue<Long> acknowledged = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Long> acknowledgedAt = new ConcurrentLinkedQueue<>();

	private final ConcurrentLinkedQueue<Throwable> readFailures = new ConcurrentLinkedQueue<>();

	private final LongAdder writeFailures = new LongAdder();

	private final LongAdder reads = new LongAdder();

	private final Map<Integer, LongAdder> readsByPort = new ConcurrentHashMap<>();

	Load(PatroniRoutingIT.Ledger ledger, int readers, int writers) {
		this.ledger = ledger;
		for (int i = 0; i < readers; i++) {
			start("reader-" + i, this::read);
		}
		for (int i = 0; i < writers; i++) {
			start("writer-" + i, this::write);
		}
	}

	private void start(String name, Runnable work) {
		Thread thread = new Thread(() -> {
			while (this.running.get()) {
				work.run();
			}
		}, "load-" + name);
		thread.start();
		this.threads.add(thread);
	}

	private void read() {
		try {
			int port = this.ledger.read();
			this.reads.increment();
			this.readsByPort.computeIfAbsent(port, (key) -> new LongAdder()).increment();
		}
		catch (RuntimeException ex) {
			this.readFailures.add(ex);
		}
		pause(2);
	}

	private void write() {
		long id = IDS.incrementAndGet();
		try {
			this.ledger.write(id);
			this.acknowledged.add(id);
			this.acknowledgedAt.add(System.nanoTime());
			pause(2);
		}
		catch (RuntimeException ex) {
			// Not acknowledged: it may or may not have been applied.
			this.writeFailures.increment();
			pause(50);
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	void awaitProgress() {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while ((this.reads.sum() < 20 || (threadsWrite() && this.acknowledged.size() < 20))
				&& System.nanoTime() < deadline) {
			pause(50);
		}
	}

	private boolean threadsWrite() {
		return this.threads.stream().anyMatch((thread) -> thread.getName().startsWith("load-writer"));
	}

	/**
	 * Wait until a write is acknowledged after the given time.
	 */
	void awaitAcknowledgedAfter(long since, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.acknowledgedAt.stream().noneMatch((at) -> at - since > 0) && System.nanoTime() < deadline) {
			pause(50);
		}
	}

	void resetReadsByPort() {
		this.readsByPort.clear();
	}

	void awaitReadsOn(int port, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.readsByPort.getOrDefault(port, new LongAdder()).sum() == 0 && System.nanoTime() < deadline) {
			pause(50);
		}
	}

	Result stop() throws InterruptedException {
		this.running.set(false);
		for (Thread thread : this.threads) {
			thread.join(30_000);
		}
		Map<Integer, Long> byPort = new TreeMap<>();
		this.readsByPort.forEach((port, count) -> byPort.put(port, count.sum()));
		return new Result(this.reads.sum(), List.copyOf(this.readFailures), List.copyOf(this.acknowledged),
				List.copyOf(this.acknowledgedAt), this.writeFailures.sum(), byPort);
	}

	@Override
	public void close() throws InterruptedException {
		if (this.running.get()) {
			stop();
		}
	}

	/**
	 * What the load saw.
	 */
	record Result(long reads, List<Throwable> readFailures, List<Long> acknowledged, List<Long> acknowledgedAt,
			long writeFailures, Map<Integer, Long> readsByPort) {

		/**
		 * The longest time without an acknowledged write from the fault on: how long writes
		 * were unavailable.
		 */
		Duration longestWriteGapAfter(long fault) {
			List<Long> after = this.acknowledgedAt.stream().filter((at) -> at - fault > 0).sorted().toList();
			long previous = fault;
			long longest = 0;
			for (long at : after) {
				longest = Math.max(longest, at - previous);
				previous = at;
			}
			return Duration.ofNanos(longest);
		}

		String describe(long fault) {
			return this.reads + " reads, " + this.readFailures.size() + " failed; " + this.acknowledged.size()
					+ " writes acknowledged, " + this.writeFailures + " failed (not acknowledged); writes acknowledged "
					+ "again " + longestWriteGapAfter(fault).toMillis() + " ms after the fault at worst; reads by port "
					+ this.readsByPort;
		}

	}

}
