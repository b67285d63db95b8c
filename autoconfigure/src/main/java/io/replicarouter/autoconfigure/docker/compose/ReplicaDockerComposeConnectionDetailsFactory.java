package io.replicarouter.autoconfigure.docker.compose;

import io.replicarouter.autoconfigure.ReplicaConnectionDetails;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.docker.compose.core.RunningService;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionDetailsFactory;
import org.springframework.boot.docker.compose.service.connection.DockerComposeConnectionSource;

/**
 * Makes a {@link ReplicaConnectionDetails} of a Docker Compose service of the official
 * {@code postgres} image labelled {@code org.springframework.boot.service-connection:
 * replica}. The label replaces the image name as the service's connection name, so Boot's
 * own PostgreSQL factories (which want {@code postgres}) leave the service alone and the
 * primary's unlabelled service is not taken for a replica.
 * <p>
 * The replica is named after its service: the node of service {@code standby-1} is
 * {@code replica-standby-1}.
 */
class ReplicaDockerComposeConnectionDetailsFactory extends DockerComposeConnectionDetailsFactory<ReplicaConnectionDetails> {

	private static final int POSTGRES_PORT = 5432;

	ReplicaDockerComposeConnectionDetailsFactory() {
		super(ReplicaConnectionDetails.CONNECTION_NAME);
	}

	@Override
	protected ReplicaConnectionDetails getDockerComposeConnectionDetails(DockerComposeConnectionSource source) {
		return new ReplicaDockerComposeConnectionDetails(source.getRunningService());
	}

	/**
	 * The connection details of a replica service: the host and port Docker Compose
	 * publishes, the database and credentials of the service's environment.
	 */
	static final class ReplicaDockerComposeConnectionDetails extends DockerComposeConnectionDetails
			implements ReplicaConnectionDetails {

		private final String name;

		private final String jdbcUrl;

		private final PostgresImageEnvironment environment;

		ReplicaDockerComposeConnectionDetails(RunningService service) {
			super(service);
			this.name = service.name();
			this.environment = PostgresImageEnvironment.of(service.env());
			this.jdbcUrl = "jdbc:postgresql://" + service.host() + ":" + service.ports().get(POSTGRES_PORT) + "/"
					+ this.environment.database();
		}

		@Override
		public String getJdbcUrl() {
			return this.jdbcUrl;
		}

		@Override
		public @Nullable String getUsername() {
			return this.environment.username();
		}

		@Override
		public @Nullable String getPassword() {
			return this.environment.password();
		}

		@Override
		public String getName() {
			return this.name;
		}

		@Override
		public String toString() {
			// Never the password.
			return "ReplicaDockerComposeConnectionDetails[service=" + this.name + "]";
		}

	}

}
