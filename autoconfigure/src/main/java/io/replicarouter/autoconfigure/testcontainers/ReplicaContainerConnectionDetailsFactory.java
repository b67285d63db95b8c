package io.replicarouter.autoconfigure.testcontainers;

import io.replicarouter.autoconfigure.ReplicaConnectionDetails;
import org.testcontainers.containers.JdbcDatabaseContainer;

import org.springframework.boot.testcontainers.service.connection.ContainerConnectionDetailsFactory;
import org.springframework.boot.testcontainers.service.connection.ContainerConnectionSource;

/**
 * Makes a {@link ReplicaConnectionDetails} of a JDBC database container (a
 * {@code PostgreSQLContainer} set up as a streaming replica) declared with
 * {@code @ServiceConnection(name = "replica", type = ReplicaConnectionDetails.class)}.
 * <p>
 * Both attributes are needed. The name keeps this factory away from the primary's
 * container, whose connection name is its image's (or none). The type keeps Boot's own
 * JDBC factory, which accepts any connection name, from also making a second
 * {@code JdbcConnectionDetails} of the replica: Boot's {@code ContainerConnectionSource}
 * only hands a container to factories of the connection details types it names.
 */
class ReplicaContainerConnectionDetailsFactory
		extends ContainerConnectionDetailsFactory<JdbcDatabaseContainer<?>, ReplicaConnectionDetails> {

	ReplicaContainerConnectionDetailsFactory() {
		super(ReplicaConnectionDetails.CONNECTION_NAME);
	}

	@Override
	protected ReplicaConnectionDetails getContainerConnectionDetails(
			ContainerConnectionSource<JdbcDatabaseContainer<?>> source) {
		return new ReplicaContainerConnectionDetails(source);
	}

	/**
	 * The connection details of a replica container: its URL and credentials, read once the
	 * container runs.
	 */
	static final class ReplicaContainerConnectionDetails extends ContainerConnectionDetails<JdbcDatabaseContainer<?>>
			implements ReplicaConnectionDetails {

		ReplicaContainerConnectionDetails(ContainerConnectionSource<JdbcDatabaseContainer<?>> source) {
			super(source);
		}

		@Override
		public String getJdbcUrl() {
			return getContainer().getJdbcUrl();
		}

		@Override
		public String getUsername() {
			return getContainer().getUsername();
		}

		@Override
		public String getPassword() {
			return getContainer().getPassword();
		}

		@Override
		public String toString() {
			// Never the password.
			return "ReplicaContainerConnectionDetails[" + getOrigin() + "]";
		}

	}

}
