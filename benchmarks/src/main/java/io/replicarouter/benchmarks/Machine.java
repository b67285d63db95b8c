package io.replicarouter.benchmarks;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.test.PostgresReplicationCluster;
import org.apache.shardingsphere.driver.jdbc.core.datasource.ShardingSphereDataSource;
import org.openjdk.jmh.runner.Runner;

import org.springframework.boot.SpringBootVersion;
import org.springframework.core.SpringVersion;

/**
 * What the results were measured on: hardware, operating system, JVM and library versions.
 */
final class Machine {

	private Machine() {
	}

	static Map<String, String> describe() {
		Map<String, String> facts = new LinkedHashMap<>();
		facts.put("Host", hostName());
		facts.put("CPU", cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores available to the JVM");
		facts.put("Memory", memory());
		facts.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " ("
				+ System.getProperty("os.arch") + ")");
		facts.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
		facts.put("Load average at start", loadAverage());
		facts.put("Spring Boot", SpringBootVersion.getVersion());
		facts.put("Spring Framework", SpringVersion.getVersion());
		facts.put("HikariCP", version(HikariDataSource.class));
		facts.put("PostgreSQL JDBC", version(org.postgresql.Driver.class));
		facts.put("ShardingSphere-JDBC", version(ShardingSphereDataSource.class));
		facts.put("AWS Advanced JDBC Wrapper", version(software.amazon.jdbc.Driver.class));
		facts.put("JMH", version(Runner.class));
		return facts;
	}

	static String serverVersion(PostgresReplicationCluster cluster) {
		try (Connection connection = DriverManager.getConnection(cluster.primary().jdbcUrl(), cluster.username(),
				cluster.password()); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("show server_version")) {
			result.next();
			return "PostgreSQL " + result.getString(1) + " (embedded, on this machine, "
					+ cluster.replicas().size() + " streaming replica(s))";
		}
		catch (Exception ex) {
			return "unknown (" + ex.getMessage() + ")";
		}
	}

	static String loadAverage() {
		try {
			String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return parts[0] + " " + parts[1] + " " + parts[2] + " (1, 5, 15 min)";
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

	static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			String name = System.getenv("HOSTNAME");
			return (name != null) ? name : "unknown-host";
		}
	}

	private static String cpuModel() {
		try {
			List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
			return lines.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown CPU");
		}
		catch (Exception ex) {
			return System.getProperty("os.arch");
		}
	}

	private static String memory() {
		try {
			return Files.readAllLines(Path.of("/proc/meminfo"))
				.stream()
				.filter((line) -> line.startsWith("MemTotal"))
				.map((line) -> (Long.parseLong(line.replaceAll("\\D", "")) / 1024 / 1024) + " GiB")
				.findFirst()
				.orElse("unknown");
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

	/**
	 * The version a library declares, or else the name of the jar it came from.
	 */
	static String version(Class<?> type) {
		String version = type.getPackage().getImplementationVersion();
		if (version != null) {
			return version;
		}
		try {
			String jar = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
				.getFileName()
				.toString();
			return jar.replaceFirst("\\.jar$", "");
		}
		catch (Exception ex) {
			return "unknown";
		}
	}

}
