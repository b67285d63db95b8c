package io.replicarouter.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.replicarouter.benchmarks.BenchmarkRunner.Settings;
import io.replicarouter.benchmarks.LoadRun.Recorded;
import io.replicarouter.routing.RoutingReason;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns the results into the Markdown file in {@code benchmarks/results/}, with the goals
 * of issue #9 checked against them.
 */
final class Report {

	static final List<String> OPERATIONS = List.of("readOnly", "readWrite", "writeThenRead");

	private static final double ALLOCATION_READ_ONLY = 150;

	private static final double ALLOCATION_READ_WRITE = 300;

	private final Settings settings;

	private final Instant started;

	private Instant finished;

	private String loadAtEnd = "";

	private Map<String, String> machine = Map.of();

	private final List<String> serverVersions = new ArrayList<>();

	private List<RoundTripCheck.Row> roundTrips = List.of();

	private final List<String> failures = new ArrayList<>();

	private Map<Layer, Map<String, Cell>> stubTimes;

	private Map<Layer, Map<String, Cell>> stubAllocations;

	private final Map<Integer, Map<Layer, Map<String, Cell>>> postgresTimes = new java.util.TreeMap<>();

	private List<LoadRun.Result> load;

	private CapacityRun.Outcome capacity;

	private String capacitySkipped;

	private JarComparison.Outcome comparison;

	private final List<Goal> goals = new ArrayList<>();

	Report(Settings settings, Instant started) {
		this.settings = settings;
		this.started = started;
	}

	void machine(Map<String, String> machine) {
		this.machine = machine;
	}

	void serverVersion(String version) {
		if (!this.serverVersions.contains(version)) {
			this.serverVersions.add(version);
		}
	}

	void roundTrips(List<RoundTripCheck.Row> rows) {
		this.roundTrips = rows;
	}

	void failure(String message) {
		this.failures.add(message);
	}

	void stub(Collection<RunResult> results) {
		this.stubTimes = table(results, null);
		this.stubAllocations = table(results, "gc.alloc.rate.norm");
	}

	void postgres(int threads, Collection<RunResult> results) {
		this.postgresTimes.put(threads, table(results, null));
	}

	void load(List<LoadRun.Result> results) {
		this.load = results;
	}

	void capacity(CapacityRun.Outcome outcome) {
		this.capacity = outcome;
	}

	void capacitySkipped(String reason) {
		this.capacitySkipped = reason;
	}

	void comparison(JarComparison.Outcome outcome) {
		this.comparison = outcome;
	}

	void finished(Instant finished, String loadAverage) {
		this.finished = finished;
		this.loadAtEnd = loadAverage;
	}

	private static Map<Layer, Map<String, Cell>> table(Collection<RunResult> results, String secondary) {
		Map<Layer, Map<String, Cell>> table = new EnumMap<>(Layer.class);
		for (RunResult result : results) {
			String benchmark = result.getParams().getBenchmark();
			String operation = benchmark.substring(benchmark.lastIndexOf('.') + 1);
			Layer layer = Layer.valueOf(result.getParams().getParam("layer"));
			Result<?> value = result.getPrimaryResult();
			if (secondary != null) {
				value = result.getSecondaryResults()
					.entrySet()
					.stream()
					.filter((entry) -> entry.getKey().endsWith(secondary))
					.map(Map.Entry::getValue)
					.findFirst()
					.orElse(null);
			}
			if (value != null) {
				double best = (secondary != null) ? value.getScore() : bestIteration(result);
				table.computeIfAbsent(layer, (key) -> new LinkedHashMap<>())
					.put(operation, new Cell(value.getScore(), value.getScoreError(), best, value.getScoreUnit()));
			}
		}
		return table;
	}

	/**
	 * The fastest measurement iteration: on a machine shared with other work it is the one
	 * least disturbed by it.
	 */
	private static double bestIteration(RunResult result) {
		return result.getBenchmarkResults()
			.stream()
			.flatMap((benchmark) -> benchmark.getIterationResults().stream())
			.mapToDouble((iteration) -> iteration.getPrimaryResult().getScore())
			.min()
			.orElse(Double.NaN);
	}

	private void evaluateGoals() {
		this.goals.clear();
		for (Map.Entry<Integer, Map<Layer, Map<String, Cell>>> entry : this.postgresTimes.entrySet()) {
			int threads = entry.getKey();
			Map<Layer, Map<String, Cell>> table = entry.getValue();
			String prefix = "Real database, " + threads + " thread" + ((threads == 1) ? "" : "s") + ": ";
			ratioGoal(table, prefix + "replica-router within 2% of plain Hikari per read-only transaction", "readOnly",
					Layer.ROUTER, 1.02);
			ratioGoal(table, prefix + "replica-router within 5% of plain Hikari per read-write transaction", "readWrite",
					Layer.ROUTER, 1.05);
			for (String operation : List.of("readOnly", "readWrite")) {
				aheadGoal(table, prefix + "replica-router ahead of ShardingSphere and the AWS wrapper, " + operation,
						operation);
			}
		}
		if (this.stubAllocations != null) {
			allocationGoal("readOnly", ALLOCATION_READ_ONLY);
			allocationGoal("readWrite", ALLOCATION_READ_WRITE);
		}
		if (!this.roundTrips.isEmpty()) {
			RoundTripCheck.Row baseline = roundTrips(Layer.BASELINE);
			RoundTripCheck.Row router = roundTrips(Layer.ROUTER);
			if (baseline != null && router != null) {
				this.goals.add(new Goal("Round trips: replica-router's read-write transaction makes exactly the baseline's",
						router.readWrite().roundTrips() + " vs " + baseline.readWrite().roundTrips() + " (statements "
								+ router.readWrite().statements() + " vs " + baseline.readWrite().statements() + ")",
						router.readWrite().roundTrips() == baseline.readWrite().roundTrips()));
			}
		}
		if (this.load != null && !this.load.isEmpty()) {
			LoadRun.Result replicated = this.load.get(0);
			double share = replicated.primaryReadShare();
			Map<RoutingReason, Long> reasons = replicated.routed().readsByReason();
			this.goals.add(new Goal("End to end, defaults: the primary serves < 1% of read-only transactions while replicas are healthy",
					String.format(Locale.ROOT, "%.2f%% (%d reads right after the same thread's write, for read-your-writes; "
							+ "%d for want of a healthy replica)", share, reasons.getOrDefault(RoutingReason.CONSISTENCY, 0L),
							reasons.getOrDefault(RoutingReason.FALLBACK, 0L)),
					share < 1));
			this.goals.add(new Goal("End to end, defaults: 0 stale reads in the read-your-writes pairs",
					replicated.staleReads() + " stale of " + replicated.readYourWritesPairs() + " pairs",
					replicated.staleReads() == 0 && replicated.readYourWritesPairs() > 0));
		}
		if (this.capacity != null) {
			double alone = this.capacity.aloneReads();
			double primaryAlone = this.capacity.alonePrimaryCpu();
			for (CapacityRun.Result two : List.of(this.capacity.withThreeReadingServers(),
					this.capacity.withTwoReplicas())) {
				boolean primaryReads = two == this.capacity.withThreeReadingServers();
				double ratio = two.readThroughput() / alone;
				String measured = String.format(Locale.ROOT,
						"×%.2f (%.1f vs %.1f reads/s, the mean of the primary alone first and last)", ratio,
						two.readThroughput(), alone);
				if (primaryReads) {
					this.goals.add(new Goal("Capacity: with 2 replicas, with the primary in the read rotation "
							+ "(primary.read-weight=1), read throughput ≥ 2.5× the primary alone", measured, ratio >= 2.5));
				}
				else {
					// The defaults keep reads off the primary (the end-to-end goal): two servers
					// read, so 2× plus what the primary has to spare is the most they can give.
					this.goals.add(new Goal("Capacity: with 2 replicas and the defaults (reads kept off the primary, so at "
							+ "most 2× plus the primary's spare), read throughput against the primary alone", measured,
							Verdict.REFERENCE));
				}
				double primaryTwo = two.cpu().getOrDefault("primary", Double.NaN);
				this.goals.add(new Goal("Capacity: the primary's CPU with 2 replicas, " + (primaryReads
						? "primary in the read rotation," : "defaults,") + " no higher than alone",
						String.format(Locale.ROOT, "%.2f vs %.2f CPU", primaryTwo, primaryAlone),
						primaryTwo <= primaryAlone));
			}
		}
		else if (this.capacitySkipped != null) {
			this.goals.add(new Goal("Capacity run", "skipped: " + this.capacitySkipped, Verdict.NOT_RUN));
		}
	}

	private void allocationGoal(String operation, double limit) {
		Cell base = cell(this.stubAllocations, Layer.BASELINE, operation);
		Cell router = cell(this.stubAllocations, Layer.ROUTER, operation);
		if (base != null && router != null) {
			double added = router.score() - base.score();
			this.goals.add(new Goal("Allocation: replica-router at most +" + format(limit) + " B per " + operation
					+ " transaction over the baseline", format(added) + " B (" + format(router.score()) + " vs "
							+ format(base.score()) + " B)",
					added <= limit));
		}
	}

	private void aheadGoal(Map<Layer, Map<String, Cell>> table, String name, String operation) {
		Cell router = cell(table, Layer.ROUTER, operation);
		Cell sharding = cell(table, Layer.SHARDING_SPHERE, operation);
		Cell aws = cell(table, Layer.AWS_WRAPPER, operation);
		if (router == null || (sharding == null && aws == null)) {
			return;
		}
		boolean clear = (sharding == null || router.score() + router.error() < sharding.score() - sharding.error())
				&& (aws == null || router.score() + router.error() < aws.score() - aws.error());
		boolean ahead = (sharding == null || router.score() < sharding.score())
				&& (aws == null || router.score() < aws.score());
		this.goals.add(new Goal(name,
				"mean " + format(router.score()) + " vs " + ((sharding != null) ? format(sharding.score()) : "n/a")
						+ " (ShardingSphere) / " + ((aws != null) ? format(aws.score()) : "n/a") + " (AWS) µs",
				Verdict.of(ahead, ahead && !clear)));
	}

	private void ratioGoal(Map<Layer, Map<String, Cell>> table, String name, String operation, Layer layer,
			double limit) {
		Cell base = cell(table, Layer.BASELINE, operation);
		Cell measured = cell(table, layer, operation);
		if (base != null && measured != null) {
			double ratio = measured.score() / base.score();
			double error = ratio * (relative(measured) + relative(base));
			double bestRatio = measured.best() / base.best();
			boolean noisy = error > limit - 1;
			Verdict verdict = Verdict.of(ratio <= limit, noisy);
			// The issue's own substitute where the machine's noise is wider than the margin:
			// equal round trips per transaction, and the ratio with its error bar (which must
			// still reach the limit).
			if (verdict == Verdict.MISSED_INCONCLUSIVE && ratio - error <= limit && roundTripsEqual(operation)) {
				verdict = Verdict.SUBSTITUTE;
			}
			this.goals.add(new Goal(name, String.format(Locale.ROOT, "×%.3f ± %.3f (%s vs %s µs), best iterations ×%.3f",
					ratio, error, format(measured.score()), format(base.score()), bestRatio), verdict));
		}
	}

	private boolean roundTripsEqual(String operation) {
		RoundTripCheck.Row baseline = roundTrips(Layer.BASELINE);
		RoundTripCheck.Row router = roundTrips(Layer.ROUTER);
		if (baseline == null || router == null) {
			return false;
		}
		return operation.equals("readOnly")
				? router.readOnly().roundTrips() == baseline.readOnly().roundTrips()
				: router.readWrite().roundTrips() == baseline.readWrite().roundTrips();
	}

	private RoundTripCheck.Row roundTrips(Layer layer) {
		return this.roundTrips.stream().filter((row) -> row.layer() == layer).findFirst().orElse(null);
	}

	private static double relative(Cell cell) {
		return Double.isNaN(cell.error()) ? 0 : cell.error() / cell.score();
	}

	private static Cell cell(Map<Layer, Map<String, Cell>> table, Layer layer, String operation) {
		if (table == null) {
			return null;
		}
		Map<String, Cell> row = table.get(layer);
		return (row != null) ? row.get(operation) : null;
	}

	String summary() {
		evaluateGoals();
		StringBuilder out = new StringBuilder();
		out.append("| Goal | Measured | Met |\n|---|---|---|\n");
		for (Goal goal : this.goals) {
			out.append("| ").append(goal.name()).append(" | ").append(goal.measured()).append(" | ")
				.append(goal.verdict().text).append(" |\n");
		}
		String roundTripFailure = roundTripFailure();
		if (roundTripFailure != null) {
			out.append("| Round trips per read-only transaction equal the baseline's | ")
				.append(roundTripFailure)
				.append(" | **no** |\n");
		}
		else if (!this.roundTrips.isEmpty()) {
			out.append("| Round trips per read-only transaction equal the baseline's | ")
				.append(this.roundTrips.get(0).readOnly().roundTrips())
				.append(" for every layer | yes |\n");
		}
		return out.toString();
	}

	private String roundTripFailure() {
		return this.failures.stream().filter((failure) -> failure.startsWith("Round-trip")).findFirst().orElse(null);
	}

	Path write(Path directory) throws IOException {
		Files.createDirectories(directory);
		String markdown = markdown();
		String date = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm").withZone(ZoneOffset.UTC).format(this.started);
		Path file = directory.resolve(date + "-" + Machine.hostName().replaceAll("[^A-Za-z0-9._-]", "_") + ".md");
		Files.writeString(file, markdown);
		Files.writeString(directory.resolve("latest.md"), markdown);
		return file;
	}

	private String markdown() {
		String summary = summary();
		StringBuilder out = new StringBuilder();
		out.append("# replica-router benchmarks\n\n");
		out.append("Run ").append(DateTimeFormatter.ISO_INSTANT.format(this.started)).append(" to ")
			.append(DateTimeFormatter.ISO_INSTANT.format(this.finished)).append(" (")
			.append(Duration.between(this.started, this.finished).toSeconds()).append(" s)")
			.append(this.settings.quick() ? ", **quick mode: short iterations, for trying the set-up only**" : "")
			.append(". Command: `java -jar benchmarks/target/benchmarks.jar")
			.append(this.settings.arguments().isEmpty() ? "" : " " + String.join(" ", this.settings.arguments()))
			.append("`.\n\n");
		out.append("## Goals (issue 18)\n\n").append(summary).append('\n');
		if (!this.failures.isEmpty()) {
			out.append("**Failed parts:**\n\n");
			this.failures.forEach((failure) -> out.append("- ").append(failure).append('\n'));
			out.append('\n');
		}

		out.append("## Machine and versions\n\n| | |\n|---|---|\n");
		this.machine.forEach((key, value) -> out.append("| ").append(key).append(" | ").append(value).append(" |\n"));
		out.append("| Load average at end | ").append(this.loadAtEnd).append(" |\n");
		for (String version : this.serverVersions) {
			out.append("| Database | ").append(version).append(" |\n");
		}
		out.append('\n');
		out.append("JMH: mode average time, 1 thread, ").append(this.settings.forks())
			.append(" fork (the real database runs ").append(this.settings.postgresForks())
			.append(", the stub run ").append(this.settings.quick() ? 1 : 3)
			.append(" forks, whose allocation figures are averaged: one JVM's escape analysis moves them by 16 to 32 B), ")
			.append(this.settings.warmupIterations()).append(" warm-up and ")
			.append(this.settings.measurementIterations()).append(" measurement iterations of ")
			.append(this.settings.iterationTime().toMillis()).append(" ms, JVM options `")
			.append(String.join(" ", this.settings.jvmOptions())).append("`; the stub run with `-prof gc`. ")
			.append("± is JMH's 99.9% confidence interval; \"best\" is the fastest measurement iteration, the one least ")
			.append("disturbed by other work on a shared machine. Ratios are of the means, to the baseline (a) for the same ")
			.append("operation. A goal is judged on the means, or on the best iterations (and marked so) when the error bars ")
			.append("are wider than the goal's margin.\n\n");
		out.append("Operations: `readOnly` = `TransactionTemplate` (read-only) around `JdbcTemplate.queryForObject(\"SELECT 1\")`; ")
			.append("`readWrite` = the same in a read-write transaction; `writeThenRead` = a read-write transaction, then a ")
			.append("read-only one in the same consistency scope (read-your-writes). ")
			.append("(b) and (c) are one configuration: replica-router's defaults, whose consistency mode is `lsn`. ")
			.append("(b) is its `readOnly` row (the scope has not written, so no consistency check runs), ")
			.append("(c) its `readWrite` and `writeThenRead` rows (after each commit `lsn` mode reads the primary's WAL ")
			.append("position; the next read needs a replica that has replayed it). ")
			.append("`replica-router, consistency none` shows what `lsn` costs.\n\n");

		if (this.stubTimes != null) {
			out.append("## Stub driver: CPU cost per transaction (ns/op)\n\n");
			out.append("Every layer over a JDBC driver that answers from memory (`StubDriver`), so only the layers' own ")
				.append("work shows. Pool, transaction manager and `JdbcTemplate` work is in every row, the baseline's too.\n\n");
			timeTable(out, this.stubTimes, "ns");
			out.append("\nAllocated per operation (B/op, `gc.alloc.rate.norm`):\n\n");
			allocationTable(out);
		}
		for (Map.Entry<Integer, Map<Layer, Map<String, Cell>>> entry : this.postgresTimes.entrySet()) {
			out.append("\n## Real database: embedded PostgreSQL primary + 1 replica, ").append(entry.getKey())
				.append(" JMH thread").append((entry.getKey() == 1) ? "" : "s").append(" (µs/op)\n\n");
			if (entry.getKey() > 1) {
				out.append("Average time per operation of each thread, all threads on the same layer (pools of ")
					.append(Target.POOL_SIZE).append(").\n\n");
			}
			timeTable(out, entry.getValue(), "µs");
		}
		if (!this.roundTrips.isEmpty()) {
			out.append("\n## Round trips per transaction (stub driver)\n\n");
			out.append("Statements / round trips per transaction, on the primary and on the replica, as PostgreSQL's ")
				.append("driver would make them (`BEGIN` travels with the first statement; a commit costs one when a ")
				.append("transaction is open). The run fails if a layer's read-only transaction makes more round trips than ")
				.append("the baseline's or touches the primary.\n\n");
			out.append("| Layer | read-only: primary | read-only: replica | read-write: primary | read-write: replica |\n");
			out.append("|---|---|---|---|---|\n");
			for (RoundTripCheck.Row row : this.roundTrips) {
				out.append("| ").append(row.layer().description()).append(" | ")
					.append(counts(row.readOnly().onPrimary())).append(" | ")
					.append(counts(row.readOnly().onReplica())).append(" | ")
					.append(counts(row.readWrite().onPrimary())).append(" | ")
					.append(counts(row.readWrite().onReplica())).append(" |\n");
			}
			if (roundTripFailure() != null) {
				out.append("\n**Check failed:** ").append(roundTripFailure()).append('\n');
			}
		}
		if (this.load != null) {
			loadTable(out);
		}
		if (this.capacity != null) {
			capacityTable(out);
		}
		else if (this.capacitySkipped != null) {
			out.append("\n## Capacity\n\nSkipped: CPU quotas cannot be set on this machine (")
				.append(this.capacitySkipped)
				.append("). Without them every server shares the same cores and the run would show nothing about ")
				.append("the capacity replicas add.\n");
		}
		if (this.comparison != null) {
			out.append("\n## This build vs an older one, back to back\n\n");
			out.append("Older build: `").append(this.comparison.oldJar()).append("`. Order: ")
				.append(this.comparison.order())
				.append(". Same JMH settings, one thread; each build in its own JVMs with its own replica-router and ")
				.append("plain-Hikari baseline (a). Ratios are of the means, ± the sum of the relative 99.9% errors. ")
				.append("\"new/old\" compares builds (and so includes any drift of the machine between them, which the ")
				.append("(a) new/old column shows); \"router/(a)\" compares each build to its own baseline.\n\n");
			out.append(this.comparison.markdown());
		}
		out.append("\n## Notes\n\n").append(Notes.TEXT);
		return out.toString();
	}

	private static String counts(io.replicarouter.benchmarks.stub.StubDriver.Counts counts) {
		return counts.statements() + " / " + counts.roundTrips();
	}

	private static void timeTable(StringBuilder out, Map<Layer, Map<String, Cell>> table, String unit) {
		out.append("| Layer | read-only | ×(a) | read-write | ×(a) | write then read | ×(a) |\n");
		out.append("|---|---|---|---|---|---|---|\n");
		for (Layer layer : Layer.values()) {
			Map<String, Cell> row = table.get(layer);
			if (row == null) {
				continue;
			}
			out.append("| ").append(layer.description());
			for (String operation : OPERATIONS) {
				Cell cell = row.get(operation);
				Cell base = cell(table, Layer.BASELINE, operation);
				out.append(" | ").append((cell != null) ? cell.format() : "–").append(" | ");
				out.append((cell != null && base != null) ? ratioWithError(cell, base) : "–");
			}
			out.append(" |\n");
		}
	}

	private static String ratioWithError(Cell cell, Cell base) {
		double ratio = cell.score() / base.score();
		return String.format(Locale.ROOT, "%.3f ± %.3f", ratio, ratio * (relative(cell) + relative(base)));
	}

	private void capacityTable(StringBuilder out) {
		CapacityRun.Outcome outcome = this.capacity;
		out.append("\n## Capacity: each server under the same CPU quota\n\n");
		out.append("Each PostgreSQL server (postmaster and every process it forks) in a control group of its own: ")
			.append(outcome.quota())
			.append(", so each stands for a host of the same size. ")
			.append(outcome.threads()).append(" client threads in every configuration, ")
			.append(outcome.duration().toSeconds()).append(" s each after ").append(outcome.warmUp().toSeconds())
			.append(" s of warm-up: 90% read-only transactions aggregating over a table of ").append(CapacityRun.ROWS)
			.append(" rows (`select count(*), sum(amount) ... where bucket between ? and ?`, an index-only scan over 40% of ")
			.append("the table), 10% read-write ")
			.append("transactions inserting one row; each thread is one user whose reads follow its writes (thread scope). ")
			.append("Primary alone with replica-router off; then replica-router with its defaults, and with the primary in ")
			.append("the read rotation (`primary.read-weight=1`); then the primary alone again. ×alone is to the mean ")
			.append("of the two primary-alone runs, so that the host's drift over the run moves the baseline as it moves ")
			.append("the replicated runs. ")
			.append("CPU is the group's `cpuacct.usage` (v1) or `cpu.stat` `usage_usec` (v2) over the measured time, in CPUs; ")
			.append("throttled = quota periods in which the server used up its quota.\n\n");
		out.append("| Configuration | Reads/s | ×alone | Writes/s | Read p50 / p99 (ms) | Write p50 / p99 (ms) ")
			.append("| Reads on the primary | CPU per server (throttled periods) |\n");
		out.append("|---|---|---|---|---|---|---|---|\n");
		double alone = outcome.aloneReads();
		for (CapacityRun.Result result : outcome.results()) {
			Recorded recorded = result.recorded();
			StringBuilder cpu = new StringBuilder();
			result.cpu().forEach((node, cpus) -> cpu.append((cpu.length() > 0) ? ", " : "").append(node).append(' ')
				.append(String.format(Locale.ROOT, "%.2f", cpus)).append(" (")
				.append(result.throttledPeriods().get(node)).append(')'));
			out.append("| ").append(result.name())
				.append(" | ").append(String.format(Locale.ROOT, "%.1f", result.readThroughput()))
				.append(" | ").append(String.format(Locale.ROOT, "%.2f", result.readThroughput() / alone))
				.append(" | ").append(String.format(Locale.ROOT, "%.1f", result.writeThroughput()))
				.append(" | ").append(millis(Recorded.percentileMicros(recorded.reads(), 50))).append(" / ")
				.append(millis(Recorded.percentileMicros(recorded.reads(), 99)))
				.append(" | ").append(millis(Recorded.percentileMicros(recorded.writes(), 50))).append(" / ")
				.append(millis(Recorded.percentileMicros(recorded.writes(), 99)))
				.append(" | ").append(String.format(Locale.ROOT, "%.2f%%", result.primaryReadShare()));
			if (result.routed().reads() > 0) {
				Map<RoutingReason, Long> reasons = result.routed().readsByReason();
				out.append(" (").append(reasons.getOrDefault(RoutingReason.CONSISTENCY, 0L)).append(" for read-your-writes, ")
					.append(reasons.getOrDefault(RoutingReason.FALLBACK, 0L)).append(" fallback, ")
					.append(reasons.getOrDefault(RoutingReason.PRIMARY_SHARE, 0L)).append(" as its share)");
			}
			out.append(" | ").append(cpu).append(" |\n");
		}
		out.append("\nWith its defaults replica-router sends read-only transactions to replicas only; the primary serves ")
			.append("reads only for read-your-writes (or when no replica can). With n replicas the read capacity is ")
			.append("therefore about n servers', plus what the primary alone spent on writes. With ")
			.append("`replica-router.primary.read-weight=1` the primary is one more member of the read rotation, ")
			.append("where a read goes to the server with fewer transactions in flight, while its pool has an idle ")
			.append("connection and its reads stay under `fallback-max-concurrency`: three ")
			.append("servers of equal size then serve the reads.\n");
	}

	private static String millis(double micros) {
		return String.format(Locale.ROOT, "%.1f", micros / 1000);
	}

	private void allocationTable(StringBuilder out) {
		out.append("| Layer | read-only | Δ(a) | read-write | Δ(a) | write then read | Δ(a) |\n");
		out.append("|---|---|---|---|---|---|---|\n");
		for (Layer layer : Layer.values()) {
			Map<String, Cell> row = this.stubAllocations.get(layer);
			if (row == null) {
				continue;
			}
			out.append("| ").append(layer.description());
			for (String operation : OPERATIONS) {
				Cell cell = row.get(operation);
				Cell base = cell(this.stubAllocations, Layer.BASELINE, operation);
				out.append(" | ").append((cell != null) ? format(cell.score()) : "–").append(" | ");
				out.append((cell != null && base != null) ? String.format(Locale.ROOT, "%+.0f", cell.score() - base.score())
						: "–");
			}
			out.append(" |\n");
		}
	}

	private void loadTable(StringBuilder out) {
		out.append("\n## End-to-end: the sample's service layer under load\n\n");
		LoadRun.Result first = this.load.get(0);
		out.append(first.threads()).append(" threads for ").append(first.duration().toSeconds())
			.append(" s each (after ").append(this.settings.warmUp().toSeconds())
			.append(" s of warm-up), 90% read-only transactions (a product, a profile, a customer's recent orders), ")
			.append("10% read-write (rename, place an order, change a price), through `CatalogService`, `ProfileService` ")
			.append("and `OrderService` in a Spring context (no web server, no cache). Each thread is one user whose reads ")
			.append("follow its own writes (thread scope, `lsn` mode); after renaming a customer only it renames, a thread ")
			.append("reads that profile back at once, a read-your-writes pair, stale if the name is not the one written. ")
			.append("All configurations run on the same cluster in the same ")
			.append("run, the primary-alone one with `replica-router.enabled=false` (plain Boot pool on the primary). ")
			.append("Latencies are per service call.\n\n");
		out.append("| Configuration | Throughput (tx/s) | p50 (µs) | p99 (µs) | Read p50 / p99 (µs) | Write p50 / p99 (µs) ")
			.append("| Reads on the primary | Read-your-writes pairs: stale / all | Read-only tx per node (router) ")
			.append("| Transactions per server (pg_stat_database) |\n");
		out.append("|---|---|---|---|---|---|---|---|---|---|\n");
		for (LoadRun.Result result : this.load) {
			Recorded recorded = result.recorded();
			out.append("| ").append(result.name())
				.append(" | ").append(String.format(Locale.ROOT, "%.0f", recorded.throughput()))
				.append(" | ").append(micros(Recorded.percentileMicros(recorded.all(), 50)))
				.append(" | ").append(micros(Recorded.percentileMicros(recorded.all(), 99)))
				.append(" | ").append(micros(Recorded.percentileMicros(recorded.reads(), 50))).append(" / ")
				.append(micros(Recorded.percentileMicros(recorded.reads(), 99)))
				.append(" | ").append(micros(Recorded.percentileMicros(recorded.writes(), 50))).append(" / ")
				.append(micros(Recorded.percentileMicros(recorded.writes(), 99)))
				.append(" | ").append(String.format(Locale.ROOT, "%.2f%%", result.primaryReadShare()));
			if (result.routed().reads() > 0) {
				Map<RoutingReason, Long> reasons = result.routed().readsByReason();
				out.append(" (").append(reasons.getOrDefault(RoutingReason.CONSISTENCY, 0L)).append(" for read-your-writes, ")
					.append(reasons.getOrDefault(RoutingReason.FALLBACK, 0L)).append(" fallback)");
			}
			out.append(" | ").append(result.staleReads()).append(" / ").append(result.readYourWritesPairs());
			out.append(" | ").append(result.routed().readsByNode().isEmpty() ? "–" : result.routed().readsByNode().toString())
				.append(" | ").append(result.serverTransactions()).append(" |\n");
		}
		out.append("\nServer-side counts include replica-router's health probes (one per node every 500 ms) and, with ")
			.append("replica-router, the WAL position read after each write.\n");
	}

	private static String micros(double value) {
		return String.format(Locale.ROOT, "%.0f", value);
	}

	static String format(double value) {
		if (Math.abs(value) >= 100) {
			return String.format(Locale.ROOT, "%.0f", value);
		}
		if (Math.abs(value) >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

	record Cell(double score, double error, double best, String unit) {

		String format() {
			return Report.format(this.score) + " ± " + (Double.isNaN(this.error) ? "?" : Report.format(this.error))
					+ " (best " + Report.format(this.best) + ")";
		}

		/**
		 * Return whether the error bar is wider than the given share of the score.
		 */
		boolean noisierThan(double share) {
			return Double.isNaN(this.error) || this.error > share * this.score;
		}

	}

	record Goal(String name, String measured, Verdict verdict) {

		Goal(String name, String measured, boolean met) {
			this(name, measured, met ? Verdict.MET : Verdict.MISSED);
		}

	}

	enum Verdict {

		MET("yes"), MISSED("**no**"), MET_INCONCLUSIVE("yes on the means; the error bar is wider than the margin"),
		MISSED_INCONCLUSIVE("**no** on the means; the error bar is wider than the margin"),
		SUBSTITUTE("by the issue's substitute: the error bar is wider than the margin and includes it, and the round "
				+ "trips equal the baseline's (round-trip table); not on the means"),
		REFERENCE("for reference, not a goal"), NOT_RUN("not run");

		private final String text;

		Verdict(String text) {
			this.text = text;
		}

		static Verdict of(boolean met, boolean noisy) {
			if (noisy) {
				return met ? MET_INCONCLUSIVE : MISSED_INCONCLUSIVE;
			}
			return met ? MET : MISSED;
		}

	}

}
