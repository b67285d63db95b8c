package io.replicarouter.topology.patroni;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.json.JsonParserFactory;
import org.springframework.util.Assert;

/**
 * Reads {@code GET /cluster} from Patroni's REST API, trying each configured member's
 * address in turn, starting with the one that answered last.
 */
public final class PatroniClient {

	private final List<URI> urls;

	private final Duration timeout;

	private final @Nullable String authorization;

	private final HttpClient http;

	private volatile int preferred;

	/**
	 * Create a client.
	 * @param urls the REST API addresses of one or more members, such as
	 * {@code http://pg-1:8008}
	 * @param timeout how long to wait for one member's answer, connecting included
	 * @param username the REST API user, {@code null} for none
	 * @param password the REST API password
	 * @param sslContext the TLS settings for {@code https} addresses, {@code null} for the
	 * JVM's defaults
	 */
	public PatroniClient(List<URI> urls, Duration timeout, @Nullable String username, @Nullable String password,
			@Nullable SSLContext sslContext) {
		Assert.notEmpty(urls, "'urls' must not be empty");
		this.urls = List.copyOf(urls);
		this.timeout = timeout;
		this.authorization = (username != null) ? "Basic " + Base64.getEncoder()
			.encodeToString((username + ":" + ((password != null) ? password : "")).getBytes(StandardCharsets.UTF_8))
				: null;
		HttpClient.Builder builder = HttpClient.newBuilder()
			.connectTimeout(timeout)
			.followRedirects(HttpClient.Redirect.NEVER);
		if (sslContext != null) {
			builder.sslContext(sslContext);
		}
		this.http = builder.build();
	}

	/**
	 * Return the addresses this client asks.
	 * @return the REST API addresses
	 */
	public List<URI> urls() {
		return this.urls;
	}

	/**
	 * Read the cluster's members from the first member that answers.
	 * @return the members
	 * @throws IOException naming each address and why it gave no answer, when none did
	 */
	public List<PatroniMember> members() throws IOException {
		List<String> failures = new ArrayList<>();
		int first = this.preferred;
		for (int attempt = 0; attempt < this.urls.size(); attempt++) {
			int index = (first + attempt) % this.urls.size();
			URI url = this.urls.get(index);
			try {
				List<PatroniMember> members = PatroniMember.listOf(get(url));
				this.preferred = index;
				return members;
			}
			catch (IOException | IllegalArgumentException ex) {
				failures.add(url + ": " + describe(ex));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IOException("Interrupted while reading the Patroni cluster", ex);
			}
		}
		throw new IOException("No Patroni REST API answered GET /cluster (" + String.join("; ", failures) + ")");
	}

	private Map<String, Object> get(URI base) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(cluster(base))
			.timeout(this.timeout)
			.header("Accept", "application/json")
			.GET();
		if (this.authorization != null) {
			request.header("Authorization", this.authorization);
		}
		HttpResponse<String> response = this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() != 200) {
			throw new IOException("HTTP " + response.statusCode()
					+ ((response.statusCode() == 401) ? " (check replica-router.patroni.username and password)" : ""));
		}
		return JsonParserFactory.getJsonParser().parseMap(response.body());
	}

	private static URI cluster(URI base) {
		String url = base.toString();
		return URI.create((url.endsWith("/") ? url : url + "/") + "cluster");
	}

	private static String describe(Exception ex) {
		String message = ex.getMessage();
		if (ex instanceof java.net.http.HttpTimeoutException) {
			return "no answer in time";
		}
		if (ex instanceof java.net.ConnectException) {
			return "connection refused";
		}
		return ex.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

}
