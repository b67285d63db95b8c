package io.replicarouter.pgbouncer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link PgBouncerConsole} and {@link ConsoleTls} against a server that speaks just enough of
 * the protocol: it answers the TLS request as a PgBouncer without TLS does ('N') or as one
 * that injects data, and asks for a password in clear text, as PgBouncer's
 * {@code auth_type = plain} does, or anyone on the path who wants the password. The TLS
 * handshake itself is proven against a real PgBouncer in topology-tests
 * ({@code PgBouncerConsoleTlsIT}).
 */
class PgBouncerConsoleTests {

	private static final String PASSWORD = "pgb-Secret-77";

	private static final int SSL_REQUEST = 80877103;

	@TempDir
	Path directory;

	@Test
	void aPasswordAskedForInClearTextIsNeverSentWithoutVerifiedTls() throws Exception {
		for (String mode : new String[] { "disable", "prefer" }) {
			try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
				CompletableFuture<byte[]> afterTheRequest = CompletableFuture
					.supplyAsync(() -> askInClearText(server));
				assertThatIOException()
					.isThrownBy(() -> PgBouncerConsole.query("127.0.0.1", server.getLocalPort(), tls("?sslmode=" + mode),
							"stats", PASSWORD, "SHOW POOLS", Duration.ofSeconds(2)))
					.withMessageContaining("clear text")
					.withMessageContaining("auth_type = scram-sha-256")
					.withMessageNotContaining(PASSWORD);
				byte[] sent = afterTheRequest.get(5, TimeUnit.SECONDS);
				assertThat(new String(sent, StandardCharsets.UTF_8)).doesNotContain(PASSWORD);
			}
		}
	}

	@Test
	void withoutSslmodeTheConsoleAsksForTlsAndGoesOnWithoutWhenRefusedAsPgjdbcDoes() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Boolean> askedForTls = CompletableFuture.supplyAsync(() -> refuseTlsThenLogIn(server));
			assertThat(PgBouncerConsole.query("127.0.0.1", server.getLocalPort(), tls(""), "stats", null, "SHOW POOLS",
					Duration.ofSeconds(2)))
				.isEmpty();
			assertThat(askedForTls.get(5, TimeUnit.SECONDS)).isTrue();
		}
	}

	@Test
	void sslmodeDisableSendsNoTlsRequest() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<Boolean> askedForTls = CompletableFuture.supplyAsync(() -> refuseTlsThenLogIn(server));
			PgBouncerConsole.query("127.0.0.1", server.getLocalPort(), tls("?sslmode=disable"), "stats", null,
					"SHOW POOLS", Duration.ofSeconds(2));
			assertThat(askedForTls.get(5, TimeUnit.SECONDS)).isFalse();
		}
	}

	@Test
	void sslmodeRequireFailsWhenPgBouncerOffersNoTls() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture.runAsync(() -> refuseTlsThenLogIn(server));
			assertThatIOException()
				.isThrownBy(() -> PgBouncerConsole.query("127.0.0.1", server.getLocalPort(), tls("?sslmode=require"),
						"stats", PASSWORD, "SHOW POOLS", Duration.ofSeconds(2)))
				.withMessageContaining("does not offer TLS")
				.withMessageContaining("client_tls_sslmode")
				.withMessageNotContaining(PASSWORD);
		}
	}

	@Test
	void dataSentBeforeTheTlsHandshakeIsRefused() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture.runAsync(() -> acceptTlsWithInjectedData(server));
			assertThatIOException()
				.isThrownBy(() -> PgBouncerConsole.query("127.0.0.1", server.getLocalPort(), tls("?sslmode=require"),
						"stats", PASSWORD, "SHOW POOLS", Duration.ofSeconds(2)))
				.withMessageContaining("before the TLS handshake");
		}
	}

	@Test
	void anUnknownSslmodeNamesThePropertyAndTheChoices() {
		assertThatIllegalArgumentException().isThrownBy(() -> tls("?sslmode=verify_full"))
			.withMessageContaining("spring.datasource.url")
			.withMessageContaining("sslmode=verify_full")
			.withMessageContaining("verify-full");
	}

	@Test
	void verifyFullWithAnUnreadableRootCertificateNamesThePropertyAndTheFix() {
		Path missing = this.directory.resolve("missing-root.crt");
		assertThatIllegalArgumentException().isThrownBy(() -> tls("?sslmode=verify-full&sslrootcert=" + missing))
			.withMessageContaining("spring.datasource.url")
			.withMessageContaining("sslrootcert=" + missing)
			.withMessageContaining("Set sslrootcert=");
	}

	@Test
	void aRootCertificateFileWithoutCertificatesIsReported() throws IOException {
		Path garbage = Files.writeString(this.directory.resolve("root.crt"), "not a certificate");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ConsoleTls.of("jdbc:postgresql://127.0.0.1:6432/shop?ssl=true", properties(garbage),
					"spring.datasource.url"))
			.withMessageContaining("sslrootcert=" + garbage)
			.withMessageContaining("no readable X.509 certificate");
	}

	@Test
	void sslTrueWithoutSslmodeMeansVerifyFullAsInPgjdbc() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> tls("?ssl=true&sslrootcert=" + this.directory.resolve("none.crt")))
			.withMessageContaining("sslmode=verify-full");
	}

	private static ConsoleTls tls(String parameters) {
		return ConsoleTls.of("jdbc:postgresql://127.0.0.1:6432/shop" + parameters, new Properties(),
				"spring.datasource.url");
	}

	private static Properties properties(Path rootCertificate) {
		Properties properties = new Properties();
		properties.setProperty("sslRootCert", rootCertificate.toString());
		return properties;
	}

	/**
	 * Answer a TLS request with 'N' if one comes, then read the startup message, answer
	 * AuthenticationCleartextPassword, and return what the client sent after that until it
	 * closed the connection.
	 */
	private static byte[] askInClearText(ServerSocket server) {
		try (Socket client = server.accept()) {
			client.setSoTimeout(3000);
			DataInputStream in = new DataInputStream(client.getInputStream());
			DataOutputStream out = new DataOutputStream(client.getOutputStream());
			readStartup(in, out);
			out.writeByte('R');
			out.writeInt(8);
			out.writeInt(3);
			out.flush();
			return readToEnd(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Log the client in without a password and answer its query with no rows; return
	 * whether it asked for TLS first.
	 */
	private static boolean refuseTlsThenLogIn(ServerSocket server) {
		try (Socket client = server.accept()) {
			client.setSoTimeout(3000);
			DataInputStream in = new DataInputStream(client.getInputStream());
			DataOutputStream out = new DataOutputStream(client.getOutputStream());
			boolean askedForTls = readStartup(in, out);
			out.writeByte('R');
			out.writeInt(8);
			out.writeInt(0);
			ready(out);
			in.readByte();
			in.readFully(new byte[in.readInt() - 4]);
			out.writeByte('C');
			byte[] tag = "SHOW\0".getBytes(StandardCharsets.US_ASCII);
			out.writeInt(tag.length + 4);
			out.write(tag);
			ready(out);
			readToEnd(in);
			return askedForTls;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void acceptTlsWithInjectedData(ServerSocket server) {
		try (Socket client = server.accept()) {
			client.setSoTimeout(3000);
			DataInputStream in = new DataInputStream(client.getInputStream());
			in.readFully(new byte[8]);
			// 'S', then an AuthenticationOk that a careless client would read as if it came over TLS.
			client.getOutputStream().write(new byte[] { 'S', 'R', 0, 0, 0, 8, 0, 0, 0, 0 });
			client.getOutputStream().flush();
			readToEnd(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Read the startup message, refusing a TLS request before it; return whether one came. */
	private static boolean readStartup(DataInputStream in, DataOutputStream out) throws IOException {
		int length = in.readInt();
		int code = in.readInt();
		if (length == 8 && code == SSL_REQUEST) {
			out.writeByte('N');
			out.flush();
			length = in.readInt();
			in.readInt();
			in.readFully(new byte[length - 8]);
			return true;
		}
		in.readFully(new byte[length - 8]);
		return false;
	}

	private static void ready(DataOutputStream out) throws IOException {
		out.writeByte('Z');
		out.writeInt(5);
		out.writeByte('I');
		out.flush();
	}

	private static byte[] readToEnd(InputStream in) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[256];
		int read;
		try {
			while ((read = in.read(buffer)) >= 0) {
				received.write(buffer, 0, read);
			}
		}
		catch (SocketException ex) {
			// The client reset the connection: everything it sent was read.
		}
		return received.toByteArray();
	}

}
