package io.replicarouter.topology.patroni;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpExchange;

/**
 * Answers to {@code GET /cluster} shaped as Patroni 3 writes them, for tests that serve
 * them from a local HTTP server.
 */
public final class ClusterAnswers {

	private ClusterAnswers() {
	}

	/**
	 * A leader {@code pg0} on port 1 and a running replica {@code pg1} on port 2, both on
	 * 127.0.0.1.
	 * @return the JSON answer
	 */
	public static String leaderAndOneReplica() {
		return "{\"members\": [{\"name\": \"pg0\", \"role\": \"leader\", \"state\": \"running\", "
				+ "\"host\": \"127.0.0.1\", \"port\": 1, \"timeline\": 2}, {\"name\": \"pg1\", \"role\": "
				+ "\"replica\", \"state\": \"streaming\", \"host\": \"127.0.0.1\", \"port\": 2, \"lag\": 0}]}";
	}

	/**
	 * Send an answer: 200 with the body, or 503 with none.
	 * @param exchange the request
	 * @param body the body, {@code null} for a 503
	 * @throws IOException if it cannot be sent
	 */
	public static void respond(HttpExchange exchange, String body) throws IOException {
		byte[] bytes = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
		exchange.sendResponseHeaders((body != null) ? 200 : 503, (bytes.length > 0) ? bytes.length : -1);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

}
