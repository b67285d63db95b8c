package io.replicarouter.conformance;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks shared by the web applications that expose the "notes" contract over real HTTP:
 * {@code POST /notes/read-write-read}, {@code POST /notes/write-then-read}, {@code POST /notes}
 * and {@code GET /notes}, each with a {@code marker} parameter, answering {@link Observation}s.
 * Each application implements the contract in its own package, with its own technology.
 */
@DirtiesContext
public abstract class NotesConformance {

	private static final String COOKIE = "rr-consistency";

	private final boolean expectReplica;

	@LocalServerPort
	private int port;

	private RestClient http;

	protected NotesConformance(boolean expectReplica) {
		this.expectReplica = expectReplica;
	}

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		ConformanceCluster.register(registry);
	}

	@BeforeEach
	void client() {
		this.http = RestClient.create("http://127.0.0.1:" + this.port);
	}

	/**
	 * The replicas lag by a second meanwhile, so the last read sees the write only if it was routed for it.
	 */
	@Test
	void oneRequestReadsOnAReplicaWritesOnThePrimaryAndThenSeesItsWrite() {
		String marker = marker();
		ConformanceCluster.withLaggingReplicas(Duration.ofSeconds(1), () -> {
			ResponseEntity<List<Observation>> response = this.http.post()
				.uri("/notes/read-write-read?marker={marker}", marker)
				.retrieve()
				.toEntity(new ParameterizedTypeReference<>() {
				});
			assertThat(response.getStatusCode().value()).isEqualTo(200);
			List<Observation> operations = response.getBody();
			assertThat(operations).hasSize(3);
			Observation read = operations.get(0);
			assertThat(read.rows()).isZero();
			Routing.assertRead(read, this.expectReplica);
			Observation write = operations.get(1);
			Routing.assertOnPrimary(write);
			assertThat(write.rows()).isEqualTo(1);
			Routing.assertReadSees(operations.get(2), this.expectReplica, 1);
		});
	}

	@Test
	void readsAfterAWriteInOneRequestReturnToAReplicaOnceItReplayedTheWrite() {
		String marker = marker();
		ResponseEntity<List<Observation>> response = this.http.post()
			.uri("/notes/write-then-read?marker={marker}", marker)
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(response.getStatusCode().value()).isEqualTo(200);
		List<Observation> operations = response.getBody();
		Routing.assertOnPrimary(operations.get(0));
		List<Observation> reads = operations.subList(1, operations.size());
		assertThat(reads).isNotEmpty().allSatisfy((read) -> Routing.assertReadSees(read, this.expectReplica, 1));
		Routing.assertRead(reads.get(reads.size() - 1), this.expectReplica);
	}

	@Test
	void aLaterRequestWithTheCookieReadsFromAReplicaThatReplayedTheWrite() {
		String marker = marker();
		ResponseEntity<Observation> written = this.http.post()
			.uri("/notes?marker={marker}", marker)
			.retrieve()
			.toEntity(Observation.class);
		assertThat(written.getStatusCode().value()).isEqualTo(200);
		Routing.assertOnPrimary(written.getBody());
		List<String> cookies = written.getHeaders().getOrEmpty(HttpHeaders.SET_COOKIE);
		if (this.expectReplica) {
			assertThat(cookies).filteredOn((cookie) -> cookie.startsWith(COOKIE + "=")).hasSize(1);
		}
		ConformanceCluster.get().awaitReplication();
		ResponseEntity<Observation> read = this.http.get().uri("/notes?marker={marker}", marker).headers((headers) -> {
			cookies.stream()
				.filter((cookie) -> cookie.startsWith(COOKIE + "="))
				.forEach((cookie) -> headers.add(HttpHeaders.COOKIE, cookie.split(";", 2)[0]));
		}).retrieve().toEntity(Observation.class);
		assertThat(read.getStatusCode().value()).isEqualTo(200);
		Routing.assertReadSees(read.getBody(), this.expectReplica, 1);
		Routing.assertRead(read.getBody(), this.expectReplica);
	}

	protected static String marker() {
		return UUID.randomUUID().toString();
	}

}
