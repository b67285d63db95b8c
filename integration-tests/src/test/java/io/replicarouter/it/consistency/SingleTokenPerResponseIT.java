package io.replicarouter.it.consistency;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RoutingTestCluster;
import io.replicarouter.test.PostgresReplicationCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A response carries one consistency cookie and one header, with the token of the
 * request's last write, however many writes it made and on whichever thread: with Boot's
 * default Tomcat settings, a cookie per write would overflow the response header buffer.
 */
class SingleTokenPerResponseIT {

	private static final PostgresReplicationCluster cluster = RoutingTestCluster.get();

	private static ConfigurableApplicationContext context;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void start() {
		RouterTestApplication.createTables(cluster);
		context = WebTestApplication.start(cluster);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void aThousandCommitsInOneRequestGiveOneCookieAndOneHeader() throws Exception {
		HttpResponse<String> response = post("/ledger?rows=1000");
		assertThat(response.statusCode()).isEqualTo(200);
		assertSingleToken(response);
	}

	@Test
	void writesInACallableReachTheClientThroughTheAsyncDispatch() throws Exception {
		HttpResponse<String> response = post("/ledger/callable?rows=3");
		assertThat(response.statusCode()).isEqualTo(200);
		assertSingleToken(response);
	}

	@Test
	void aRequestThatDoesNotWriteCarriesNoToken() throws Exception {
		HttpResponse<String> response = this.http.send(request("/kv/1").GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
		assertThat(response.headers().allValues("X-Consistency-Token")).isEmpty();
	}

	private static void assertSingleToken(HttpResponse<String> response) {
		List<String> cookies = response.headers()
			.allValues("Set-Cookie")
			.stream()
			.filter((cookie) -> cookie.startsWith("rr-consistency="))
			.toList();
		assertThat(cookies).hasSize(1);
		List<String> headers = response.headers().allValues("X-Consistency-Token");
		assertThat(headers).hasSize(1);
		String token = headers.get(0);
		assertThat(ConsistencyToken.parse(token)).as("a valid token").isPresent();
		assertThat(cookies.get(0)).startsWith("rr-consistency=" + token + ";");
	}

	private HttpResponse<String> post(String path) throws IOException, InterruptedException {
		return this.http.send(request(path).POST(HttpRequest.BodyPublishers.noBody()).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + WebTestApplication.port(context) + path))
			.timeout(Duration.ofMinutes(2));
	}

}
