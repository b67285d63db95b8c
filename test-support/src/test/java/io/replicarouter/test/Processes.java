package io.replicarouter.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads process facts from {@code /proc}, independently of the code under test.
 */
final class Processes {

	private Processes() {
	}

	/** The state letter of a process ({@code R}, {@code S}, {@code T} for stopped, {@code Z}...), or 0 if gone. */
	static char state(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.ISO_8859_1);
			return stat.charAt(stat.lastIndexOf(')') + 2);
		}
		catch (NoSuchFileException ex) {
			return 0;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Whether the process exists and has not terminated (zombies count as terminated). */
	static boolean isAlive(long pid) {
		char state = state(pid);
		return state != 0 && state != 'Z' && state != 'X';
	}

	/** The real user id of a process. */
	static int uid(long pid) throws IOException {
		List<String> lines = Files.readAllLines(Path.of("/proc/" + pid + "/status"));
		String uidLine = lines.stream().filter((line) -> line.startsWith("Uid:")).findFirst().orElseThrow();
		return Integer.parseInt(uidLine.split("\\s+")[1]);
	}

	/** The ids of the System V shared memory segments that exist. */
	static List<String> sharedMemoryIds() throws IOException {
		return Files.readAllLines(Path.of("/proc/sysvipc/shm"))
			.stream()
			.skip(1)
			.map((line) -> line.trim().split("\\s+")[1])
			.toList();
	}

	/** The id of the shared memory segment named in a data directory's {@code postmaster.pid}. */
	static String sharedMemoryId(Path dataDirectory) throws IOException {
		return Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(6).trim().split("\\s+")[1];
	}

	/** The pids of a process's descendants. */
	static List<Long> descendants(long pid) {
		return ProcessHandle.of(pid)
			.map((handle) -> handle.descendants().map(ProcessHandle::pid).toList())
			.orElse(List.of());
	}

}
