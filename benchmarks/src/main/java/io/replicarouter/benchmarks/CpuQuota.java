package io.replicarouter.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Gives each database server the same CPU quota through a Linux control group of its own, so
 * that every server stands for a host of the same size, and reads the CPU time each used.
 * <p>
 * cgroup v1 ({@code cpu.cfs_quota_us} / {@code cpu.cfs_period_us} in the {@code cpu}
 * hierarchy, usage from {@code cpuacct.usage}, which may be mounted apart) or cgroup v2
 * ({@code cpu.max}, usage from {@code cpu.stat}). Both need write access to the hierarchy
 * (root, in practice). A server's postmaster and its children are moved in; the backends
 * it forks later inherit the group. When neither is possible, {@link #open} says why and
 * the capacity run is skipped rather than run without quotas.
 */
final class CpuQuota implements AutoCloseable {

	private static final Path ROOT = Path.of("/sys/fs/cgroup");

	private static final long PERIOD_MICROS = 100_000;

	private final Kind kind;

	private final double cpus;

	private final String prefix;

	private final List<Group> groups = new ArrayList<>();

	private CpuQuota(Kind kind, double cpus, String prefix) {
		this.kind = kind;
		this.cpus = cpus;
		this.prefix = prefix;
	}

	/**
	 * Check that quotas can be set on this machine.
	 * @param cpus the quota of each group, in CPUs (for example 0.4)
	 * @return the quotas, or a reason why there can be none
	 */
	static Availability open(double cpus) {
		String prefix = "replica-router-capacity-" + ProcessHandle.current().pid();
		Path v2 = ROOT.resolve("cgroup.controllers");
		try {
			if (Files.isRegularFile(v2)) {
				if (!Files.readString(v2).contains("cpu")) {
					return Availability.no("cgroup v2 without the cpu controller");
				}
				Path subtree = ROOT.resolve("cgroup.subtree_control");
				if (!Files.readString(subtree).contains("cpu")) {
					Files.writeString(subtree, "+cpu");
				}
				return probe(new CpuQuota(Kind.V2, cpus, prefix));
			}
			Path cpu = ROOT.resolve("cpu");
			if (Files.isRegularFile(cpu.resolve("cpu.cfs_quota_us"))) {
				return probe(new CpuQuota(Kind.V1, cpus, prefix));
			}
			return Availability.no("no cgroup cpu controller at " + ROOT + " (neither v2 cpu.max nor v1 cpu.cfs_quota_us)");
		}
		catch (IOException | RuntimeException ex) {
			return Availability.no("cgroups present but not writable: " + ex);
		}
	}

	private static Availability probe(CpuQuota quota) throws IOException {
		// Create and remove one group, to find out now rather than with a cluster running.
		Group probe = quota.group("probe");
		probe.remove();
		quota.groups.remove(probe);
		return new Availability(quota, null);
	}

	/**
	 * Create a group with the quota.
	 * @param name a name for the server it is for
	 * @return the group
	 * @throws IOException if it cannot be created
	 */
	Group group(String name) throws IOException {
		Group group = new Group(this.prefix + "-" + name);
		this.groups.add(group);
		long quota = Math.round(this.cpus * PERIOD_MICROS);
		if (this.kind == Kind.V2) {
			Files.createDirectory(group.v2());
			Files.writeString(group.v2().resolve("cpu.max"), quota + " " + PERIOD_MICROS);
		}
		else {
			Files.createDirectory(group.cpu());
			Files.writeString(group.cpu().resolve("cpu.cfs_period_us"), Long.toString(PERIOD_MICROS));
			Files.writeString(group.cpu().resolve("cpu.cfs_quota_us"), Long.toString(quota));
			if (!group.cpu().equals(group.cpuacct())) {
				Files.createDirectory(group.cpuacct());
			}
		}
		return group;
	}

	/**
	 * Return how the quota is set, for the report.
	 * @return for example "cgroup v1, 0.40 CPU each (40000 µs per 100000 µs)"
	 */
	String describe() {
		long quota = Math.round(this.cpus * PERIOD_MICROS);
		return String.format(Locale.ROOT, "cgroup %s, %.2f CPU per server (%s %d µs per %d µs period)",
				(this.kind == Kind.V2) ? "v2" : "v1", this.cpus, (this.kind == Kind.V2) ? "cpu.max" : "cpu.cfs_quota_us",
				quota, PERIOD_MICROS);
	}

	double cpus() {
		return this.cpus;
	}

	/**
	 * Move every process still in a group back to the root group and remove the groups.
	 */
	@Override
	public void close() {
		for (Group group : this.groups) {
			try {
				group.remove();
			}
			catch (IOException | RuntimeException ex) {
				System.err.println("Could not remove cgroup " + group.name + ": " + ex);
			}
		}
		this.groups.clear();
	}

	private enum Kind {

		V1, V2

	}

	/**
	 * Whether quotas can be set.
	 * @param quota the quotas, or {@code null}
	 * @param reason why not, or {@code null}
	 */
	record Availability(CpuQuota quota, String reason) {

		static Availability no(String reason) {
			return new Availability(null, reason);
		}

	}

	/**
	 * One server's group.
	 */
	final class Group {

		private final String name;

		private Group(String name) {
			this.name = name;
		}

		private Path v2() {
			return ROOT.resolve(this.name);
		}

		private Path cpu() {
			return ROOT.resolve("cpu").resolve(this.name);
		}

		private Path cpuacct() {
			// cpu and cpuacct are often mounted together (cpu,cpuacct); here they may not be.
			Path separate = ROOT.resolve("cpuacct");
			return Files.isRegularFile(separate.resolve("cpuacct.usage")) && !isSameMount(separate)
					? separate.resolve(this.name) : cpu();
		}

		private boolean isSameMount(Path cpuacct) {
			try {
				return Files.isSameFile(cpuacct, ROOT.resolve("cpu"));
			}
			catch (IOException ex) {
				return false;
			}
		}

		/**
		 * Move a process (with its threads) into the group.
		 * @param pid the process
		 * @throws IOException if it cannot be moved
		 */
		void add(long pid) throws IOException {
			if (CpuQuota.this.kind == Kind.V2) {
				Files.writeString(v2().resolve("cgroup.procs"), Long.toString(pid));
			}
			else {
				Files.writeString(cpu().resolve("cgroup.procs"), Long.toString(pid));
				if (!cpuacct().equals(cpu())) {
					Files.writeString(cpuacct().resolve("cgroup.procs"), Long.toString(pid));
				}
			}
		}

		/**
		 * Move a process and every descendant it has now into the group.
		 * @param pid the process
		 * @return how many processes were moved
		 * @throws IOException if one cannot be moved
		 */
		int addWithDescendants(long pid) throws IOException {
			List<Long> pids = new ArrayList<>();
			pids.add(pid);
			ProcessHandle.of(pid).ifPresent((process) -> process.descendants().forEach((child) -> pids.add(child.pid())));
			for (Long each : pids) {
				try {
					add(each);
				}
				catch (IOException ex) {
					if (ProcessHandle.of(each).map(ProcessHandle::isAlive).orElse(false)) {
						throw ex;
					}
					// A backend that exited in between.
				}
			}
			return pids.size();
		}

		/**
		 * Return the CPU time the group's processes used so far.
		 * @return nanoseconds
		 * @throws IOException if it cannot be read
		 */
		long usageNanos() throws IOException {
			if (CpuQuota.this.kind == Kind.V2) {
				for (String line : Files.readAllLines(v2().resolve("cpu.stat"))) {
					if (line.startsWith("usage_usec ")) {
						return Long.parseLong(line.substring("usage_usec ".length()).trim()) * 1000;
					}
				}
				throw new IOException("No usage_usec in " + v2().resolve("cpu.stat"));
			}
			return Long.parseLong(Files.readString(cpuacct().resolve("cpuacct.usage")).trim());
		}

		/**
		 * Return how often the group was throttled so far.
		 * @return periods in which it ran out of quota
		 * @throws IOException if it cannot be read
		 */
		long throttledPeriods() throws IOException {
			Path stat = (CpuQuota.this.kind == Kind.V2) ? v2().resolve("cpu.stat") : cpu().resolve("cpu.stat");
			for (String line : Files.readAllLines(stat)) {
				if (line.startsWith("nr_throttled ")) {
					return Long.parseLong(line.substring("nr_throttled ".length()).trim());
				}
			}
			return 0;
		}

		private void remove() throws IOException {
			List<Path> directories = (CpuQuota.this.kind == Kind.V2) ? List.of(v2())
					: cpuacct().equals(cpu()) ? List.of(cpu()) : List.of(cpu(), cpuacct());
			for (Path directory : directories) {
				if (!Files.isDirectory(directory)) {
					continue;
				}
				Path parentProcs = directory.getParent().resolve("cgroup.procs");
				for (String pid : Files.readAllLines(directory.resolve("cgroup.procs"))) {
					if (!pid.isBlank()) {
						try {
							Files.writeString(parentProcs, pid.trim());
						}
						catch (IOException ex) {
							// exited meanwhile
						}
					}
				}
				Files.delete(directory);
			}
		}

	}

}
