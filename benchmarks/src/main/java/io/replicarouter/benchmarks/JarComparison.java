package io.replicarouter.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.replicarouter.benchmarks.BenchmarkRunner.Settings;

/**
 * Runs the read-only and read-write transaction benchmarks of another build of this module
 * (an older {@code benchmarks.jar}, with its own replica-router) and of this one, back to
 * back in one invocation, over the same stub driver and the same database, and compares
 * them: new / old for each layer, and each build's replica-router to its own plain-Hikari
 * baseline (which cancels what the machine did between the two).
 * <p>
 * Each build runs in its own JVMs ({@code java -cp <jar> org.openjdk.jmh.Main}), with the
 * same JMH settings as the rest of the run; the layers compared are {@link Layer#BASELINE}
 * and {@link Layer#ROUTER}, which both builds have.
 */
final class JarComparison {

	static final List<String> OPERATIONS = List.of("readOnly", "readWrite");

	private static final List<String> LAYERS = List.of("BASELINE", "ROUTER");

	private JarComparison() {
	}

	/**
	 * Run both builds' benchmarks.
	 * @param oldJar the other build's {@code benchmarks.jar}
	 * @param settings JMH settings
	 * @param nodes the database both builds' real-database benchmark connects to, or
	 * {@code null} to skip it
	 * @param work a directory for JMH's result files
	 * @return the results
	 * @throws Exception if a run fails
	 */
	static Outcome run(Path oldJar, Settings settings, Nodes nodes, Path work) throws Exception {
		Path newJar = Path.of(BenchmarkRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		if (!Files.isRegularFile(newJar)) {
			throw new IllegalStateException("Run from benchmarks.jar to compare builds (running from " + newJar + ")");
		}
		if (!Files.isRegularFile(oldJar)) {
			throw new IllegalArgumentException("No such jar: " + oldJar);
		}
		Files.createDirectories(work);
		Map<String, Map<String, Double[]>> results = new LinkedHashMap<>();
		List<String> order = new ArrayList<>();
		// Stub: old then new. Real database: new then old, so that a drift of the machine
		// during the run does not favour the same build in both.
		results.put("stub/old", jmh(oldJar, "StubDriverBenchmark", settings, null, work.resolve("stub-old.csv")));
		order.add("stub: old, new");
		results.put("stub/new", jmh(newJar, "StubDriverBenchmark", settings, null, work.resolve("stub-new.csv")));
		if (nodes != null) {
			order.add("real database: new, old");
			results.put("postgres/new", jmh(newJar, "PostgresBenchmark", settings, nodes, work.resolve("pg-new.csv")));
			results.put("postgres/old", jmh(oldJar, "PostgresBenchmark", settings, nodes, work.resolve("pg-old.csv")));
		}
		List<Row> rows = new ArrayList<>();
		for (String part : List.of("stub", "postgres")) {
			Map<String, Double[]> old = results.get(part + "/old");
			Map<String, Double[]> current = results.get(part + "/new");
			if (old == null || current == null) {
				continue;
			}
			for (String operation : OPERATIONS) {
				rows.add(new Row(part, operation, old.get(operation + "/BASELINE"), old.get(operation + "/ROUTER"),
						current.get(operation + "/BASELINE"), current.get(operation + "/ROUTER"),
						old.get(operation + "/ROUTER/alloc"), current.get(operation + "/ROUTER/alloc"),
						old.get(operation + "/BASELINE/alloc"), current.get(operation + "/BASELINE/alloc")));
			}
		}
		return new Outcome(oldJar.toAbsolutePath().toString(), String.join("; ", order), rows);
	}

	/**
	 * One JMH run of a build, in a process of its own.
	 * @return score and error by operation/layer (and operation/layer/alloc for B/op)
	 */
	private static Map<String, Double[]> jmh(Path jar, String benchmark, Settings settings, Nodes nodes, Path csv)
			throws IOException, InterruptedException {
		List<String> jvmOptions = new ArrayList<>(settings.jvmOptions());
		if (nodes != null) {
			jvmOptions.addAll(List.of(nodes.asJvmOptions()));
		}
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-cp", jar.toString(), "org.openjdk.jmh.Main",
				"io\\.replicarouter\\.benchmarks\\." + benchmark + "\\.(" + String.join("|", OPERATIONS) + ")$", "-p",
				"layer=" + String.join(",", LAYERS), "-f", Integer.toString(settings.forks()), "-t", "1", "-wi",
				Integer.toString(settings.warmupIterations()), "-w", settings.iterationTime().toMillis() + "ms", "-i",
				Integer.toString(settings.measurementIterations()), "-r", settings.iterationTime().toMillis() + "ms",
				"-rf", "csv", "-rff", csv.toString(), "-jvmArgsAppend", String.join(" ", jvmOptions)));
		if (nodes == null) {
			command.addAll(List.of("-prof", "gc"));
		}
		System.out.println("-- " + jar + ": " + benchmark);
		Process process = new ProcessBuilder(command).inheritIO().start();
		int exit = process.waitFor();
		if (exit != 0) {
			throw new IllegalStateException(benchmark + " of " + jar + " failed with exit code " + exit);
		}
		return parse(csv);
	}

	private static Map<String, Double[]> parse(Path csv) throws IOException {
		Map<String, Double[]> scores = new LinkedHashMap<>();
		List<String> lines = Files.readAllLines(csv);
		List<String> header = fields(lines.get(0));
		int score = header.indexOf("Score");
		int error = header.indexOf("Score Error (99.9%)");
		int layer = header.indexOf("Param: layer");
		for (String line : lines.subList(1, lines.size())) {
			List<String> fields = fields(line);
			String benchmark = fields.get(0);
			String method = (benchmark.indexOf(':') >= 0) ? benchmark.substring(0, benchmark.indexOf(':')) : benchmark;
			String name = benchmark.substring(method.lastIndexOf('.') + 1);
			String key;
			if (name.contains(":")) {
				if (!name.endsWith(":gc.alloc.rate.norm")) {
					continue;
				}
				key = name.substring(0, name.indexOf(':')) + "/" + fields.get(layer) + "/alloc";
			}
			else {
				key = name + "/" + fields.get(layer);
			}
			scores.put(key, new Double[] { number(fields.get(score)), number(fields.get(error)) });
		}
		return scores;
	}

	private static double number(String text) {
		try {
			return Double.parseDouble(text.replace(',', '.'));
		}
		catch (NumberFormatException ex) {
			return Double.NaN;
		}
	}

	private static List<String> fields(String line) {
		List<String> fields = new ArrayList<>();
		StringBuilder field = new StringBuilder();
		boolean quoted = false;
		for (char c : line.toCharArray()) {
			if (c == '"') {
				quoted = !quoted;
			}
			else if (c == ',' && !quoted) {
				fields.add(field.toString());
				field.setLength(0);
			}
			else {
				field.append(c);
			}
		}
		fields.add(field.toString());
		return fields;
	}

	/**
	 * One operation of one part, both builds.
	 */
	record Row(String part, String operation, Double[] oldBaseline, Double[] oldRouter, Double[] newBaseline,
			Double[] newRouter, Double[] oldRouterAlloc, Double[] newRouterAlloc, Double[] oldBaselineAlloc,
			Double[] newBaselineAlloc) {

		/**
		 * Return a ratio with its error (relative errors added: a conservative bound).
		 */
		static String ratio(Double[] numerator, Double[] denominator) {
			if (numerator == null || denominator == null) {
				return "–";
			}
			double ratio = numerator[0] / denominator[0];
			double error = ratio * (relative(numerator) + relative(denominator));
			return String.format(Locale.ROOT, "%.3f ± %.3f", ratio, error);
		}

		private static double relative(Double[] value) {
			return Double.isNaN(value[1]) ? 0 : value[1] / value[0];
		}

		static String time(Double[] value) {
			return (value == null) ? "–" : Report.format(value[0]) + " ± " + Report.format(value[1]);
		}

		static String bytes(Double[] value) {
			return (value == null) ? "–" : Report.format(value[0]);
		}

	}

	/**
	 * The comparison.
	 * @param oldJar the other build
	 * @param order in which order the builds ran
	 * @param rows per part and operation
	 */
	record Outcome(String oldJar, String order, List<Row> rows) {

		String markdown() {
			StringBuilder out = new StringBuilder();
			out.append("| Part | Operation | (a) old | replica-router old | (a) new | replica-router new ")
				.append("| replica-router new/old | (a) new/old | old: router/(a) | new: router/(a) | B/op router old → new (a: old → new) |\n");
			out.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
			for (Row row : this.rows) {
				out.append("| ").append(row.part().equals("stub") ? "stub driver (ns)" : "real database (µs)")
					.append(" | ").append(row.operation())
					.append(" | ").append(Row.time(row.oldBaseline()))
					.append(" | ").append(Row.time(row.oldRouter()))
					.append(" | ").append(Row.time(row.newBaseline()))
					.append(" | ").append(Row.time(row.newRouter()))
					.append(" | ").append(Row.ratio(row.newRouter(), row.oldRouter()))
					.append(" | ").append(Row.ratio(row.newBaseline(), row.oldBaseline()))
					.append(" | ").append(Row.ratio(row.oldRouter(), row.oldBaseline()))
					.append(" | ").append(Row.ratio(row.newRouter(), row.newBaseline()))
					.append(" | ");
				if (row.oldRouterAlloc() != null || row.newRouterAlloc() != null) {
					out.append(Row.bytes(row.oldRouterAlloc())).append(" → ").append(Row.bytes(row.newRouterAlloc()))
						.append(" (a: ").append(Row.bytes(row.oldBaselineAlloc())).append(" → ")
						.append(Row.bytes(row.newBaselineAlloc())).append(")");
				}
				else {
					out.append("–");
				}
				out.append(" |\n");
			}
			return out.toString();
		}

	}

}
