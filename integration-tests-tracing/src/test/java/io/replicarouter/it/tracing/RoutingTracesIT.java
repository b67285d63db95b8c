package io.replicarouter.it.tracing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Routing decisions in the traces of a web application that keeps Boot's and the
 * starter's defaults (a 10 % sampling of traces that start here): the requests carry a
 * sampled W3C {@code traceparent}, as they do behind a traced gateway, so their traces are
 * kept whatever the sampling. Each binding is a span in the request's trace, a child of
 * its server span, with the node and the reason it was routed there; real PostgreSQL, with
 * {@code recovery_min_apply_delay} for the lag.
 */
class RoutingTracesIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(1);

	private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("route");

	private static final AttributeKey<String> NODE = AttributeKey.stringKey("node");

	private static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");

	private final HttpClient http = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("create table notes (id int primary key, v bigint not null)");
		}
		extension.cluster().awaitReplication();
	}

	@BeforeEach
	void start() {
		this.context = TracedApplication.start(extension.cluster());
	}

	@AfterEach
	void stop() {
		this.context.close();
		extension.cluster().heal();
	}

	@Test
	void aRequestThatWritesThenReadsShowsBothBindingsInItsTrace() throws Exception {
		int primaryPort = extension.cluster().primary().port();
		int replicaPort = extension.cluster().replica(0).port();
		boolean sawReplica = false;
		for (int attempt = 1; attempt <= 20 && !sawReplica; attempt++) {
			Trace trace = writeThenRead(attempt, attempt);
			SpanData write = trace.binding(0);
			assertThat(write.getName()).isEqualTo("replica-router primary");
			assertThat(write.getAttributes().get(ROUTE)).isEqualTo("primary");
			assertThat(write.getAttributes().get(NODE)).isEqualTo("primary");
			assertThat(write.getAttributes().get(REASON)).isEqualTo("read_write");
			SpanData read = trace.binding(1);
			// Read-your-writes: the read runs on the replica once it has replayed the write,
			// within consistency.max-wait; otherwise on the primary, and the span says why.
			if (trace.readPort() == replicaPort) {
				assertThat(read.getName()).isEqualTo("replica-router replica");
				assertThat(read.getAttributes().get(ROUTE)).isEqualTo("replica");
				assertThat(read.getAttributes().get(NODE)).isEqualTo("replica-1");
				assertThat(read.getAttributes().get(REASON)).isEqualTo("read_only");
				sawReplica = true;
			}
			else {
				assertThat(trace.readPort()).isEqualTo(primaryPort);
				assertThat(read.getAttributes().get(ROUTE)).isEqualTo("primary");
				assertThat(read.getAttributes().get(REASON)).isEqualTo("consistency");
			}
		}
		assertThat(sawReplica).as("a read after a write ran on the replica in 20 requests").isTrue();
	}

	@Test
	void aReadSentToThePrimaryForReadYourWritesSaysSo() throws Exception {
		extension.cluster().replica(0).setReplayDelay(Duration.ofSeconds(3));
		Trace trace = writeThenRead(1000, 7);
		assertThat(trace.readPort()).isEqualTo(extension.cluster().primary().port());
		assertThat(trace.binding(0).getAttributes().get(REASON)).isEqualTo("read_write");
		SpanData read = trace.binding(1);
		assertThat(read.getAttributes().get(ROUTE)).isEqualTo("primary");
		assertThat(read.getAttributes().get(NODE)).isEqualTo("primary");
		assertThat(read.getAttributes().get(REASON)).isEqualTo("consistency");
	}

	/**
	 * Send one request in a trace of its own and collect that trace.
	 */
	private Trace writeThenRead(int id, long value) throws Exception {
		String traceId = HexFormat.of().formatHex(randomBytes(16));
		String parentSpanId = HexFormat.of().formatHex(randomBytes(8));
		String port = this.context.getEnvironment().getProperty("local.server.port");
		HttpResponse<String> response = this.http.send(HttpRequest
			.newBuilder(URI.create("http://localhost:" + port + "/notes/" + id + "/" + value))
			.header("traceparent", "00-" + traceId + "-" + parentSpanId + "-01")
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		String[] answer = response.body().split(",");
		assertThat(Long.parseLong(answer[0])).as("the read sees the write").isEqualTo(value);
		return new Trace(awaitServerSpan(traceId), Integer.parseInt(answer[1]));
	}

	/**
	 * The server span ends after the response is written: wait for it, flushing the
	 * batching span processor, and return the whole trace.
	 */
	private List<SpanData> awaitServerSpan(String traceId) throws InterruptedException {
		InMemorySpanExporter exporter = this.context.getBean(InMemorySpanExporter.class);
		SdkTracerProvider tracer = this.context.getBean(SdkTracerProvider.class);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (true) {
			tracer.forceFlush().join(5, TimeUnit.SECONDS);
			List<SpanData> spans = exporter.getFinishedSpanItems()
				.stream()
				.filter((span) -> span.getTraceId().equals(traceId))
				.toList();
			if (spans.stream().anyMatch((span) -> span.getName().startsWith("http post"))) {
				return spans;
			}
			assertThat(System.nanoTime()).as("the request's server span within 10 s: " + spans).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	private static byte[] randomBytes(int length) {
		byte[] bytes = new byte[length];
		ThreadLocalRandom.current().nextBytes(bytes);
		bytes[0] |= 1;
		return bytes;
	}

	/**
	 * One request's spans, and the port of the server that answered its read.
	 */
	private record Trace(List<SpanData> spans, int readPort) {

		/**
		 * Return the request's index-th binding span, after checking that the request made
		 * exactly two and that both are children of its server span.
		 */
		SpanData binding(int index) {
			SpanData server = this.spans.stream()
				.filter((span) -> span.getName().startsWith("http post"))
				.findFirst()
				.orElseThrow();
			List<SpanData> bindings = this.spans.stream()
				.filter((span) -> span.getName().startsWith("replica-router "))
				.sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()))
				.toList();
			assertThat(bindings).as("binding spans of the request " + Map.of("spans", this.spans)).hasSize(2);
			assertThat(bindings).allSatisfy((binding) -> {
				assertThat(binding.getParentSpanId()).isEqualTo(server.getSpanId());
				assertThat(binding.getTraceId()).isEqualTo(server.getTraceId());
			});
			return bindings.get(index);
		}

	}

}
