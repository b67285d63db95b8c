package io.replicarouter.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The CPU cost of each layer per transaction: every layer over {@link io.replicarouter.benchmarks.stub.StubDriver},
 * which answers from memory. Run with the GC profiler for bytes allocated per transaction.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StubDriverBenchmark {

	@Param({ "BASELINE", "ROUTER", "ROUTER_NONE", "ROUTER_OBSERVED", "LAZY_PROXY", "SHARDING_SPHERE", "AWS_WRAPPER" })
	public Layer layer;

	private Target target;

	@Setup(Level.Trial)
	public void start() {
		this.target = Target.create(this.layer, Nodes.stub());
	}

	@TearDown(Level.Trial)
	public void stop() throws Exception {
		this.target.close();
	}

	/**
	 * A read-only transaction; with replica-router the thread's scope has not written, so
	 * it goes to the replica with no consistency check.
	 */
	@Benchmark
	public Integer readOnly() {
		return this.target.readOnlyTransaction();
	}

	/**
	 * A read-write transaction; in {@code lsn} mode replica-router reads the primary's WAL
	 * position after the commit.
	 */
	@Benchmark
	public Integer readWrite() {
		return this.target.readWriteTransaction();
	}

	/**
	 * A read-write transaction, then a read-only one in the same scope: the read-your-writes
	 * path.
	 */
	@Benchmark
	public int writeThenRead() {
		return this.target.readWriteTransaction() + this.target.readOnlyTransaction();
	}

}
