package io.replicarouter.autoconfigure.docker.compose;

import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;

import io.replicarouter.autoconfigure.ReplicaConnectionDetails;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactories;
import org.springframework.boot.docker.compose.core.ConnectionPorts;
import org.springframework.boot.docker.compose.core.ImageReference;
import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs Docker Compose services through every connection details factory on the class path,
 * as Boot's Docker Compose support does: a service labelled
 * {@code org.springframework.boot.service-connection: replica} gives a
 * {@link ReplicaConnectionDetails} and nothing else, the primary's unlabelled
 * {@code postgres} service gives Boot's {@link JdbcConnectionDetails} and no replica. The
 * services stand in for running ones, so no Docker is needed.
 */
class ReplicaDockerComposeConnectionDetailsFactoryTests {

	private static final String LABEL = "org.springframework.boot.service-connection";

	private final ConnectionDetailsFactories factories = new ConnectionDetailsFactories(null);

	@Test
	void aLabelledServiceGivesReplicaConnectionDetailsOnly() {
		Map<Class<?>, ConnectionDetails> details = connectionDetails(new StandInService("standby-1", "127.0.0.1",
				54321, Map.of("POSTGRES_USER", "app", "POSTGRES_PASSWORD", "app-Secret", "POSTGRES_DB", "shop"),
				Map.of(LABEL, ReplicaConnectionDetails.CONNECTION_NAME)));
		assertThat(details).containsOnlyKeys(ReplicaConnectionDetails.class);
		ReplicaConnectionDetails replica = (ReplicaConnectionDetails) details.get(ReplicaConnectionDetails.class);
		assertThat(replica.getJdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:54321/shop");
		assertThat(replica.getUsername()).isEqualTo("app");
		assertThat(replica.getPassword()).isEqualTo("app-Secret");
		assertThat(replica.getName()).isEqualTo("standby-1");
		assertThat(replica.toString()).doesNotContain("app-Secret");
	}

	@Test
	void theDatabaseFollowsTheImagesDefaults() {
		ReplicaConnectionDetails userOnly = replica(Map.of("POSTGRES_USER", "app"));
		assertThat(userOnly.getJdbcUrl()).isEqualTo("jdbc:postgresql://db.local:6000/app");
		assertThat(userOnly.getPassword()).isNull();
		ReplicaConnectionDetails nothing = replica(Map.of());
		assertThat(nothing.getJdbcUrl()).isEqualTo("jdbc:postgresql://db.local:6000/postgres");
		assertThat(nothing.getUsername()).as("the primary's").isNull();
		assertThat(nothing.getPassword()).as("the primary's").isNull();
	}

	@Test
	void thePrimarysServiceIsNoReplica() {
		Map<Class<?>, ConnectionDetails> details = connectionDetails(new StandInService("primary", "127.0.0.1", 54320,
				Map.of("POSTGRES_USER", "app", "POSTGRES_PASSWORD", "app-Secret"), Map.of()));
		assertThat(details).containsKey(JdbcConnectionDetails.class).doesNotContainKey(ReplicaConnectionDetails.class);
		assertThat(((JdbcConnectionDetails) details.get(JdbcConnectionDetails.class)).getJdbcUrl())
			.startsWith("jdbc:postgresql://127.0.0.1:54320/app");
	}

	private ReplicaConnectionDetails replica(Map<String, @Nullable String> env) {
		return (ReplicaConnectionDetails) connectionDetails(new StandInService("standby", "db.local", 6000, env,
				Map.of(LABEL, ReplicaConnectionDetails.CONNECTION_NAME)))
			.get(ReplicaConnectionDetails.class);
	}

	private Map<Class<?>, ConnectionDetails> connectionDetails(RunningService service) {
		return this.factories.getConnectionDetails(source(service, new MockEnvironment()), false);
	}

	/**
	 * Boot creates the source of every running service itself, with a constructor it does
	 * not open to others: reached by reflection here.
	 */
	private static DockerComposeConnectionSource source(RunningService service, Environment environment) {
		try {
			Constructor<DockerComposeConnectionSource> constructor = DockerComposeConnectionSource.class
				.getDeclaredConstructor(RunningService.class, Environment.class);
			ReflectionUtils.makeAccessible(constructor);
			return constructor.newInstance(service, environment);
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A running {@code postgres} service publishing port 5432 on the given host port.
	 */
	record StandInService(String name, String host, int port, Map<String, @Nullable String> env,
			Map<String, String> labels) implements RunningService {

		@Override
		public ImageReference image() {
			return ImageReference.of("postgres:17");
		}

		@Override
		public ConnectionPorts ports() {
			return new ConnectionPorts() {

				@Override
				public int get(int containerPort) {
					if (containerPort != 5432) {
						throw new IllegalStateException("No host port for " + containerPort);
					}
					return StandInService.this.port;
				}

				@Override
				public List<Integer> getAll() {
					return List.of(StandInService.this.port);
				}

				@Override
				public List<Integer> getAll(@Nullable String protocol) {
					return getAll();
				}

			};
		}

	}

}
