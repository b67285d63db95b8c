package io.replicarouter.sample;

import io.replicarouter.test.PostgresReplicationCluster;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.http.HttpStatus;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.client.RestTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample over HTTP against a real primary and two replicas: the servers report where
 * each statement ran.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class SampleApplicationIT {

	private static final PostgresReplicationCluster cluster = PostgresReplicationCluster.shared(2);

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		cluster.start();
		registry.add("spring.datasource.url", cluster.primary()::jdbcUrl);
		registry.add("spring.datasource.username", cluster::username);
		registry.add("spring.datasource.password", cluster::password);
		registry.add("replica-router.replicas[0].url", () -> cluster.replica(0).jdbcUrl());
		registry.add("replica-router.replicas[1].url", () -> cluster.replica(1).jdbcUrl());
	}

	@Autowired
	private RestTestClient http;

	@Test
	void writesLandOnThePrimaryAndReadsOnReplicas() {
		String location = this.http.post()
			.uri("/notes")
			.body("hello replicas")
			.exchange()
			.expectStatus()
			.isCreated()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation()
			.toString();
		cluster.awaitReplication();
		Note note = this.http.get().uri(location).exchange().expectStatus().isOk().returnResult(Note.class).getResponseBody();
		assertThat(note.text()).isEqualTo("hello replicas");
		assertThat(note.writtenOn()).isEqualTo(cluster.primary().port());
		assertThat(note.readFromReplica()).isTrue();
		assertThat(note.readFrom()).isIn(cluster.replica(0).port(), cluster.replica(1).port());
	}

	@Test
	void primaryReadEndpointReadsFromThePrimary() {
		String location = this.http.post()
			.uri("/notes")
			.body("fresh")
			.exchange()
			.expectStatus()
			.isCreated()
			.returnResult(Void.class)
			.getResponseHeaders()
			.getLocation()
			.toString();
		Note note = this.http.get()
			.uri(location + "/fresh")
			.exchange()
			.expectStatus()
			.isOk()
			.returnResult(Note.class)
			.getResponseBody();
		assertThat(note.readFromReplica()).isFalse();
		assertThat(note.readFrom()).isEqualTo(cluster.primary().port());
	}

	@Test
	void unknownNoteIsNotFound() {
		this.http.get().uri("/notes/{id}", Long.MAX_VALUE).exchange().expectStatus().isEqualTo(HttpStatus.NOT_FOUND);
	}

}
