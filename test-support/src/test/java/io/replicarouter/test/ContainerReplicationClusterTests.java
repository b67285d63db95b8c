package io.replicarouter.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.LogMessageWaitStrategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Checks the containers of the Testcontainers backend without starting any (no Docker needed): image, ports,
 * commands, environment, copied files, network aliases and wait strategies; and runs the shell scripts they
 * contain against stand-ins for {@code pg_basebackup} and {@code postgres}.
 */
class ContainerReplicationClusterTests {

	private Network network;

	@BeforeEach
	void createNetwork() {
		// Not created in Docker until a container starts with it.
		this.network = Network.newNetwork();
	}

	@AfterEach
	void closeNetwork() {
		// close() of a network that was never created does not contact Docker.
		this.network.close();
	}

	@Test
	void defaultImageIsTheOfficialPostgres17AlpineImage() {
		ContainerReplicationCluster cluster = ContainerReplicationCluster.builder().build();
		assertThat(cluster.image()).isEqualTo("postgres:17-alpine");
		assertThat(cluster.primaryContainer(this.network).imageName().asCanonicalNameString()).isEqualTo("postgres:17-alpine");
		assertThat(cluster.replicaContainer(this.network, 1).imageName().asCanonicalNameString()).isEqualTo("postgres:17-alpine");
		assertThat(cluster.toString()).contains("postgres:17-alpine").contains("new");
	}

	@Test
	void imageIsConfigurable() {
		ContainerReplicationCluster cluster = ContainerReplicationCluster.builder().image("postgres:16.4").build();
		assertThat(cluster.primaryContainer(this.network).imageName().asCanonicalNameString()).isEqualTo("postgres:16.4");
		assertThat(cluster.replicaContainer(this.network, 2).imageName().asCanonicalNameString()).isEqualTo("postgres:16.4");
	}

	@Test
	void primaryIsSetUpByTheImageEntryPointWithReplicationSettingsOnItsCommandLine() {
		NodeContainer primary = ContainerReplicationCluster.builder()
			.username("app")
			.password("s3cret")
			.database("appdb")
			.serverSetting("log_statement", "all")
			.build()
			.primaryContainer(this.network);
		assertThat(primary.getExposedPorts()).containsExactly(5432);
		assertThat(primary.getNetwork()).isSameAs(this.network);
		assertThat(primary.getNetworkAliases()).contains("primary");
		assertThat(primary.getEnvMap()).containsEntry("POSTGRES_USER", "app")
			.containsEntry("POSTGRES_PASSWORD", "s3cret")
			.containsEntry("POSTGRES_DB", "appdb")
			.containsEntry("POSTGRES_HOST_AUTH_METHOD", "scram-sha-256");
		List<String> command = List.of(primary.getCommandParts());
		assertThat(command.get(0)).isEqualTo("postgres");
		assertThat(settings(command)).containsSubsequence("wal_level=replica", "max_wal_senders=10", "hot_standby=on",
				"wal_keep_size=512MB")
			.contains("hot_standby_feedback=on", "password_encryption=scram-sha-256", "cluster_name=primary")
			.endsWith("log_statement=all", "cluster_name=primary");
		assertThat(primary.user()).isNull();
	}

	@Test
	void primaryInitScriptAllowsReplicationFromTheNetwork() {
		NodeContainer primary = ContainerReplicationCluster.builder().build().primaryContainer(this.network);
		assertThat(primary.copiedFiles()).containsOnlyKeys(
				"/docker-entrypoint-initdb.d/10-replica-router-replication.sh");
		String script = primary.copiedFiles().get("/docker-entrypoint-initdb.d/10-replica-router-replication.sh");
		assertThat(script).contains("echo 'host replication all all scram-sha-256' >> \"$PGDATA/pg_hba.conf\"");
	}

	@Test
	void primaryWaitsForTheReadyMessageTwice() {
		NodeContainer primary = ContainerReplicationCluster.builder()
			.startupTimeout(Duration.ofSeconds(42))
			.build()
			.primaryContainer(this.network);
		assertThat(primary.waitStrategy()).isInstanceOf(LogMessageWaitStrategy.class)
			.hasFieldOrPropertyWithValue("times", 2)
			.hasFieldOrPropertyWithValue("startupTimeout", Duration.ofSeconds(42));
		String regex = (String) org.assertj.core.util.introspection.FieldSupport.extraction()
			.fieldValue("regEx", String.class, primary.waitStrategy());
		assertThat("2026-01-01 00:00:00.000 UTC [1] LOG:  database system is ready to accept connections\n")
			.matches(regex);
		assertThat("LOG:  database system is ready to accept read-only connections\n").doesNotMatch(regex);
	}

	@Test
	void replicaClonesThePrimaryAsUserPostgresAndStartsAsAHotStandby() {
		NodeContainer replica = ContainerReplicationCluster.builder()
			.username("app")
			.password("s3cret")
			.build()
			.replicaContainer(this.network, 2);
		assertThat(replica.getExposedPorts()).containsExactly(5432);
		assertThat(replica.getNetwork()).isSameAs(this.network);
		assertThat(replica.getNetworkAliases()).contains("replica-2").doesNotContain("primary");
		assertThat(replica.getEnvMap()).containsEntry("PGUSER", "app")
			.containsEntry("PGPASSWORD", "s3cret")
			.containsEntry("PGAPPNAME", "replica-2")
			.doesNotContainKey("POSTGRES_PASSWORD");
		assertThat(replica.user()).isEqualTo("postgres");
		assertThat(replica.getCreateContainerCmdModifiers()).isNotEmpty();
		List<String> command = List.of(replica.getCommandParts());
		assertThat(command.subList(0, 4)).containsExactly("sh", "-c", ContainerReplicationCluster.replicaScript(),
				"replica-2");
		assertThat(command.get(2)).contains("pg_basebackup -h primary -p 5432 -D \"$PGDATA\" -R -X stream")
			.contains("exec postgres \"$@\"");
		assertThat(settings(command)).contains("wal_level=replica", "hot_standby=on", "cluster_name=replica-2");
		assertThat(replica.copiedFiles()).isEmpty();
		// The password is in the environment only, never on a command line.
		assertThat(String.join(" ", command)).doesNotContain("s3cret");
	}

	@Test
	void replicaWaitsForTheReadOnlyReadyMessage() {
		NodeContainer replica = ContainerReplicationCluster.builder().build().replicaContainer(this.network, 1);
		assertThat(replica.waitStrategy()).isInstanceOf(LogMessageWaitStrategy.class)
			.hasFieldOrPropertyWithValue("times", 1)
			.hasFieldOrPropertyWithValue("startupTimeout", Duration.ofSeconds(120));
		String regex = (String) org.assertj.core.util.introspection.FieldSupport.extraction()
			.fieldValue("regEx", String.class, replica.waitStrategy());
		assertThat("LOG:  database system is ready to accept read-only connections\n").matches(regex);
		assertThat("LOG:  database system is ready to accept connections\n").doesNotMatch(regex);
	}

	@Test
	void settingsThatTheClusterManagesAreRejected() {
		ContainerReplicationCluster.Builder builder = ContainerReplicationCluster.builder();
		for (String managed : List.of("port", "listen_addresses", "primary_conninfo", "recovery_min_apply_delay",
				"PORT")) {
			assertThatIllegalArgumentException().isThrownBy(() -> builder.serverSetting(managed, "x"));
		}
		assertThatIllegalArgumentException().isThrownBy(() -> builder.serverSetting("bad name", "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.replicas(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.password("a\nb"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.startupTimeout(Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.image("not a valid image!"));
		ContainerReplicationCluster cluster = builder.serverSetting("wal_keep_size", "1GB").build();
		assertThat(cluster.serverSettings()).containsEntry("wal_keep_size", "1GB");
	}

	@Test
	void nodesAreNotAvailableBeforeStart() {
		ContainerReplicationCluster cluster = ContainerReplicationCluster.builder().build();
		assertThat(cluster.isStarted()).isFalse();
		assertThatIllegalStateException().isThrownBy(cluster::primary);
		assertThatIllegalStateException().isThrownBy(cluster::replicas);
		cluster.close();
		assertThat(cluster.isClosed()).isTrue();
		assertThatIllegalStateException().isThrownBy(cluster::start).withMessageContaining("closed");
	}

	@Test
	void serverArgumentsAreDashCPairs() {
		java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
		settings.put("a", "1");
		settings.put("b", "two words");
		assertThat(ContainerReplicationCluster.serverArguments(settings)).containsExactly("-c", "a=1", "-c",
				"b=two words");
	}

	@Test
	void replicaScriptClonesOnFirstStartOnlyThenRunsTheServerWithItsArguments(@TempDir Path directory)
			throws Exception {
		assumeThat(Path.of("/bin/sh")).as("a POSIX shell").isExecutable();
		Path bin = Files.createDirectories(directory.resolve("bin"));
		Path calls = directory.resolve("calls.txt");
		Path data = Files.createDirectories(directory.resolve("data"));
		Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
		fakeProgram(bin, "pg_basebackup",
				"echo \"pg_basebackup $*\" >> \"$CALLS\"\necho 17 > \"$PGDATA/PG_VERSION\"\ntouch \"$PGDATA/standby.signal\"\n");
		fakeProgram(bin, "postgres", "echo \"postgres $*\" >> \"$CALLS\"\n");
		List<String> arguments = List.of("-c", "hot_standby=on", "-c", "cluster_name=replica-1");

		assertThat(runReplicaScript(bin, data, calls, arguments)).isZero();
		assertThat(Files.readAllLines(calls)).containsExactly(
				"pg_basebackup -h primary -p 5432 -D " + data + " -R -X stream -c fast -w",
				"postgres -c hot_standby=on -c cluster_name=replica-1");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");

		// A restart of the container finds the data directory and only runs the server.
		Files.delete(calls);
		assertThat(runReplicaScript(bin, data, calls, arguments)).isZero();
		assertThat(Files.readAllLines(calls)).containsExactly("postgres -c hot_standby=on -c cluster_name=replica-1");
	}

	@Test
	void primaryInitScriptAppendsTheReplicationLine(@TempDir Path data) throws Exception {
		assumeThat(Path.of("/bin/sh")).as("a POSIX shell").isExecutable();
		Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\n");
		Path script = data.resolve("init.sh");
		Files.writeString(script, ContainerReplicationCluster.primaryInitScript());
		ProcessBuilder builder = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true);
		builder.environment().put("PGDATA", data.toString());
		Process process = builder.start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).isZero();
		assertThat(Files.readAllLines(data.resolve("pg_hba.conf"))).containsExactly("local all all trust",
				"host replication all all scram-sha-256");
	}

	private static int runReplicaScript(Path bin, Path data, Path calls, List<String> arguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", ContainerReplicationCluster.replicaScript(),
				"replica-1"));
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("PATH", bin + ":/usr/bin:/bin");
		builder.environment().put("PGDATA", data.toString());
		builder.environment().put("CALLS", calls.toString());
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(output).isTrue();
		return process.exitValue();
	}

	private static void fakeProgram(Path bin, String name, String body) throws IOException {
		Path program = bin.resolve(name);
		Files.writeString(program, "#!/bin/sh\n" + body);
		Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	/** The values of the {@code -c} options of a command line. */
	private static List<String> settings(List<String> command) {
		List<String> settings = new ArrayList<>();
		for (int i = 0; i < command.size() - 1; i++) {
			if (command.get(i).equals("-c") && !command.get(i + 1).contains("\n")) {
				settings.add(command.get(i + 1));
			}
		}
		return settings;
	}

}
