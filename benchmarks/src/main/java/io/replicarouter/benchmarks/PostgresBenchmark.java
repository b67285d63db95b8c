package io.replicarouter.benchmarks;

import java.util.concurrent.TimeUnit;

import io.replicarouter.test.PostgresReplicationCluster;
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
 * Each layer per transaction against a real PostgreSQL primary and streaming replica,
 * embedded ({@link PostgresReplicationCluster}) on this machine.
 * <p>
 * The cluster is started in the trial's setup, unless the launching process passed the
 * address of one it started already ({@link BenchmarkRunner} does, so that one cluster
 * serves every fork and the whole run fits its time budget).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PostgresBenchmark {

	@Param({ "BASELINE", "ROUTER", "ROUTER_NONE", "ROUTER_OBSERVED", "LAZY_PROXY", "SHARDING_SPHERE", "AWS_WRAPPER" })
	public Layer layer;

	private PostgresReplicationCluster cluster;

	private Target target;

	@Setup(Level.Trial)
	public void start() {
		Nodes nodes = Nodes.fromSystemProperties();
		if (nodes == null) {
			this.cluster = PostgresReplicationCluster.builder().replicas(1).build().start();
			this.cluster.awaitReplication();
			nodes = Nodes.of(this.cluster);
		}
		this.target = Target.create(this.layer, nodes);
	}

	@TearDown(Level.Trial)
	public void stop() throws Exception {
		try {
			this.target.close();
		}
		finally {
			if (this.cluster != null) {
				this.cluster.close();
			}
		}
	}

	@Benchmark
	public Integer readOnly() {
		return this.target.readOnlyTransaction();
	}

	@Benchmark
	public Integer readWrite() {
		return this.target.readWriteTransaction();
	}

	@Benchmark
	public int writeThenRead() {
		return this.target.readWriteTransaction() + this.target.readOnlyTransaction();
	}

}
