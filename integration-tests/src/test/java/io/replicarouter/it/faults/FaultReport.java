package io.replicarouter.it.faults;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The fault suite's table: one row per fault, rendered as Markdown.
 */
final class FaultReport {

	private final List<Row> rows = new ArrayList<>();

	private final String settings;

	FaultReport(String settings) {
		this.settings = settings;
	}

	void add(Row row) {
		this.rows.add(row);
	}

	List<Row> rows() {
		return List.copyOf(this.rows);
	}

	String markdown() {
		StringBuilder table = new StringBuilder();
		table.append("# replica-router fault suite\n\n").append(this.settings).append("\n\n");
		table.append("| Fault | Reads ok / failed | Writes ok / failed | Write errors seen | Missing acked writes "
				+ "| Stale reads | Max stall ms (bound) | Recovery ms (bound) | Health (replication; other) | Verdict |\n");
		table.append("|---|---|---|---|---|---|---|---|---|---|\n");
		for (Row row : this.rows) {
			table.append("| ").append(row.fault())
				.append(" | ").append(row.readsOk()).append(" / ").append(row.readsFailed())
				.append(" | ").append(row.writesOk()).append(" / ").append(row.writesFailed())
				.append(" | ").append(row.writeErrors().isEmpty() ? "–" : String.join("<br>", row.writeErrors()))
				.append(" | ").append(row.missingWrites())
				.append(" | ").append(row.staleReads())
				.append(" | ").append(row.maxStallMillis()).append(" (").append(row.stallBoundMillis()).append(")")
				.append(" | ").append((row.recoveryMillis() < 0) ? "–" : row.recoveryMillis() + " (" + row.recoveryBoundMillis() + ")")
				.append(" | ").append(row.health())
				.append(" | ").append(row.problems().isEmpty() ? "ok" : "**" + String.join("; ", row.problems()) + "**")
				.append(" |\n");
		}
		return table.toString();
	}

	void save(Path file) throws IOException {
		Files.createDirectories(file.getParent());
		Files.writeString(file, markdown());
	}

	/**
	 * One fault and what callers and the health endpoint saw.
	 */
	record Row(String fault, long readsOk, long readsFailed, long writesOk, long writesFailed,
			List<String> writeErrors, long missingWrites, long staleReads, long maxStallMillis, long stallBoundMillis,
			long recoveryMillis, long recoveryBoundMillis, String health, List<String> problems) {
	}

}
