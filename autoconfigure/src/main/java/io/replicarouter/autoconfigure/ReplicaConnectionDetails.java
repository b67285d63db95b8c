package io.replicarouter.autoconfigure;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * The connection details of one streaming replica, as a service connection: every bean of
 * this type is one more replica, after those of {@code replica-router.replicas}. Boot's
 * Testcontainers support makes one from a container declared with
 * {@code @ServiceConnection(name = "replica", type = ReplicaConnectionDetails.class)}, and
 * its Docker Compose support from a service labelled
 * {@code org.springframework.boot.service-connection: replica}; an application may also
 * define such beans itself.
 * <p>
 * A replica from connection details has the settings of a configured replica that sets
 * only its URL (and perhaps its credentials): weight 1, the default group, no zone, the
 * Hikari settings and timeouts every replica inherits.
 */
public interface ReplicaConnectionDetails extends ConnectionDetails {

	/**
	 * The connection name that declares a replica: the {@code name} of
	 * {@code @ServiceConnection}, or the value of the Docker Compose label
	 * {@code org.springframework.boot.service-connection}.
	 */
	String CONNECTION_NAME = "replica";

	/**
	 * The replica's JDBC URL, for example {@code jdbc:postgresql://replica-1:5432/app}.
	 * @return the URL
	 */
	String getJdbcUrl();

	/**
	 * The user name to connect with.
	 * @return the user name, or {@code null} for the primary's
	 */
	default @Nullable String getUsername() {
		return null;
	}

	/**
	 * The password to connect with.
	 * @return the password, or {@code null} for the primary's
	 */
	default @Nullable String getPassword() {
		return null;
	}

	/**
	 * The replica's name: its node and pool are named {@code replica-<name>}.
	 * @return the name, or {@code null} for the replica's 1-based position among all
	 * replicas, configured ones first
	 */
	default @Nullable String getName() {
		return null;
	}

}
