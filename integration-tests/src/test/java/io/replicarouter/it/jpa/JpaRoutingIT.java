package io.replicarouter.it.jpa;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import io.replicarouter.it.RoutingTestCluster;
import io.replicarouter.test.PostgresReplicationCluster;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.Table;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.stereotype.Service;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing through JPA/Hibernate and Spring Data JPA against a real primary and two
 * streaming replicas; the server says which node answered.
 */
@SpringBootTest(classes = JpaRoutingIT.TestApplication.class,
		properties = "spring.jpa.hibernate.ddl-auto=none")
class JpaRoutingIT {

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		RoutingTestCluster.register(registry);
	}

	private final PostgresReplicationCluster cluster = RoutingTestCluster.get();

	@Autowired
	private ServerIdentityRepository identities;

	@Autowired
	private NoteRepository notes;

	@Autowired
	private EntityQueries queries;

	@Test
	void repositoryReadsRunOnReplicas() {
		ServerIdentity identity = this.identities.findById(1).orElseThrow();
		assertThat(identity.replica).isTrue();
		assertThat(identity.port).isNotEqualTo(this.cluster.primary().port());
	}

	@Test
	void entityManagerQueryInAReadOnlyTransactionRunsOnAReplica() {
		assertThat(this.queries.nativePortReadOnly()).isNotEqualTo(this.cluster.primary().port());
	}

	@Test
	void entityManagerQueryInAReadWriteTransactionRunsOnThePrimary() {
		assertThat(this.queries.nativePortReadWrite()).isEqualTo(this.cluster.primary().port());
	}

	@Test
	void repositoryWritesRunOnThePrimary() throws SQLException {
		NoteEntity note = new NoteEntity();
		note.text = "jpa-" + System.nanoTime();
		NoteEntity saved = this.notes.save(note);
		try (Connection connection = this.cluster.primary().connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select served_by from note where id = " + saved.id)) {
			assertThat(result.next()).isTrue();
			assertThat(result.getInt(1)).isEqualTo(this.cluster.primary().port());
		}
	}

	@Entity
	@Table(name = "server_identity")
	static class ServerIdentity {

		@Id
		Integer id;

		int port;

		boolean replica;

	}

	@Entity
	@Table(name = "note")
	static class NoteEntity {

		@Id
		@GeneratedValue(strategy = GenerationType.IDENTITY)
		Long id;

		String text;

		@Column(name = "served_by", insertable = false, updatable = false)
		Integer servedBy;

	}

	interface ServerIdentityRepository extends JpaRepository<ServerIdentity, Integer> {

	}

	interface NoteRepository extends JpaRepository<NoteEntity, Long> {

	}

	@Service
	static class EntityQueries {

		@PersistenceContext
		private EntityManager entityManager;

		@Transactional(readOnly = true)
		public int nativePortReadOnly() {
			return ((Number) this.entityManager.createNativeQuery("select inet_server_port()").getSingleResult())
				.intValue();
		}

		@Transactional
		public int nativePortReadWrite() {
			return ((Number) this.entityManager.createNativeQuery("select inet_server_port()").getSingleResult())
				.intValue();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration")
	@EnableJpaRepositories(considerNestedRepositories = true)
	@Import(EntityQueries.class)
	static class TestApplication {

	}

}
