package io.replicarouter.conformance.batch;

import java.util.List;
import java.util.UUID;

import io.replicarouter.conformance.ConformanceCluster;
import io.replicarouter.conformance.Observation;
import io.replicarouter.conformance.Routing;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
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
 * 1,000 commits in one request against {@link BatchApplication}: HTTP 200, every insert on the primary, exactly one
 * {@code rr-consistency} cookie and one {@code X-Consistency-Token} header (none with routing off), and a later read
 * with the cookie sees all rows.
 */
@SpringBootTest(classes = BatchApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@DirtiesContext
abstract class BatchConformance {

	private static final int ROWS = 1000;

	private final boolean expectReplica;

	@LocalServerPort
	private int port;

	BatchConformance(boolean expectReplica) {
		this.expectReplica = expectReplica;
	}

	@DynamicPropertySource
	static void cluster(DynamicPropertyRegistry registry) {
		ConformanceCluster.register(registry);
	}

	@BeforeAll
	static void schema() {
		ConformanceCluster.executeOnPrimary(
				"create table if not exists batch_row (id bigserial primary key, marker varchar(64) not null)");
	}

	@Test
	void aThousandCommitsInOneRequestAnswerOneTokenAndAreAllSeenLater() {
		RestClient http = RestClient.create("http://127.0.0.1:" + this.port);
		String marker = UUID.randomUUID().toString();
		ResponseEntity<List<Observation>> response = http.post()
			.uri("/import?marker={marker}&rows={rows}", marker, ROWS)
			.retrieve()
			.toEntity(new ParameterizedTypeReference<>() {
			});
		assertThat(response.getStatusCode().value()).isEqualTo(200);
		assertThat(response.getBody()).hasSize(ROWS).allSatisfy(Routing::assertOnPrimary);
		List<String> cookies = response.getHeaders()
			.getOrEmpty(HttpHeaders.SET_COOKIE)
			.stream()
			.filter((cookie) -> cookie.startsWith("rr-consistency="))
			.toList();
		List<String> tokens = response.getHeaders().getOrEmpty("X-Consistency-Token");
		int expectedTokens = this.expectReplica ? 1 : 0;
		assertThat(cookies).as("rr-consistency cookies").hasSize(expectedTokens);
		assertThat(tokens).as("X-Consistency-Token headers").hasSize(expectedTokens);
		Observation read = http.get()
			.uri("/import?marker={marker}", marker)
			.headers((headers) -> cookies.forEach((cookie) -> headers.add(HttpHeaders.COOKIE, cookie.split(";", 2)[0])))
			.retrieve()
			.body(Observation.class);
		Routing.assertReadSees(read, this.expectReplica, ROWS);
	}

}
