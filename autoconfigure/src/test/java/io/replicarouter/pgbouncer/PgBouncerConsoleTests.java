package io.replicarouter.pgbouncer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * {@link PgBouncerConsole} against a server that speaks just enough of the protocol to ask
 * for a password in clear text, as PgBouncer's {@code auth_type = plain} does, or anyone on
 * the path who wants the password.
 */
class PgBouncerConsoleTests {

	private static final String PASSWORD = "pgb-Secret-77";

	@Test
	void aPasswordAskedForInClearTextIsNeverSent() throws Exception {
		try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			CompletableFuture<byte[]> afterTheRequest = CompletableFuture.supplyAsync(() -> askInClearText(server));
			assertThatIOException()
				.isThrownBy(() -> PgBouncerConsole.query("127.0.0.1", server.getLocalPort(), "stats", PASSWORD,
						"SHOW POOLS", Duration.ofSeconds(2)))
				.withMessageContaining("clear text")
				.withMessageContaining("auth_type = scram-sha-256")
				.withMessageNotContaining(PASSWORD);
			byte[] sent = afterTheRequest.get(5, TimeUnit.SECONDS);
			assertThat(new String(sent, StandardCharsets.UTF_8)).doesNotContain(PASSWORD);
		}
	}

	/**
	 * Read the startup message, answer AuthenticationCleartextPassword, and return what the
	 * client sent after that until it closed the connection.
	 */
	private static byte[] askInClearText(ServerSocket server) {
		try (Socket client = server.accept()) {
			client.setSoTimeout(3000);
			DataInputStream in = new DataInputStream(client.getInputStream());
			int length = in.readInt();
			in.readFully(new byte[length - 4]);
			DataOutputStream out = new DataOutputStream(client.getOutputStream());
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

	private static byte[] readToEnd(InputStream in) throws IOException {
		ByteArrayOutputStream received = new ByteArrayOutputStream();
		byte[] buffer = new byte[256];
		int read;
		while ((read = in.read(buffer)) >= 0) {
			received.write(buffer, 0, read);
		}
		return received.toByteArray();
	}

}
