package io.replicarouter.conformance.async;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.replicarouter.conformance.ConformanceCluster;
import io.replicarouter.conformance.Observation;
import io.replicarouter.conformance.Routing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AsyncApplication} over HTTP: async reads after the request's write see it (the replicas lag by a second
 * then, so only routing makes them see it); async read-only work of a
 * request that wrote nothing runs on replicas.
 */
@SpringBootTest(classes = AsyncApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext
abstract class AsyncConformance {

	private final boolean expectReplica;

	@LocalServerPort
	private int port;

	private RestClient http;

	AsyncConformance(boolean expectReplica) {
		this.expectReplica = expectReplica;
	}

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		ConformanceCluster.register(registry);
	}

	@BeforeAll
	static void schema() {
		ConformanceCluster.executeOnPrimary(
				"create table if not exists async_note (id bigserial primary key, marker varchar(64) not null)");
	}

	@BeforeEach
	void client() {
		this.http = RestClient.create("http://127.0.0.1:" + this.port);
	}

	@Test
	void asyncReadsAfterTheCallersWriteSeeIt() {
		String marker = UUID.randomUUID().toString();
		ConformanceCluster.withLaggingReplicas(Duration.ofSeconds(1), () -> {
			ResponseEntity<List<Observation>> response = this.http.post()
				.uri("/async/write-then-read?marker={marker}", marker)
				.retrieve()
				.toEntity(new ParameterizedTypeReference<>() {
				});
			assertThat(response.getStatusCode().value()).isEqualTo(200);
			List<Observation> operations = response.getBody();
			Routing.assertOnPrimary(operations.get(0));
			assertThat(operations.subList(1, 3))
				.allSatisfy((read) -> Routing.assertReadSees(read, this.expectReplica, 1));
		});
	}

	@Test
	void asyncReadOnlyWorkRunsOnReplicas() {
		String marker = UUID.randomUUID().toString();
		this.http.post().uri("/async/write-then-read?marker={marker}", marker).retrieve().toBodilessEntity();
		ConformanceCluster.get().awaitReplication();
		ResponseEntity<List<Observation>> response = this.http.get()
			.uri("/async/read?marker={marker}", marker)
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(response.getStatusCode().value()).isEqualTo(200);
		assertThat(response.getBody()).hasSize(2).allSatisfy((read) -> {
			Routing.assertRead(read, this.expectReplica);
			assertThat(read.rows()).isEqualTo(1);
		});
	}

}
