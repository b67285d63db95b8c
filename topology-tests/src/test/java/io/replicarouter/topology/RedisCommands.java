package io.replicarouter.topology;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of the Redis protocol for the test to look at the shared cache itself:
 * {@code EXISTS} and {@code GET}, each over a connection of its own.
 */
final class RedisCommands {

	private final int port;

	RedisCommands(int port) {
		this.port = port;
	}

	boolean exists(String key) {
		return call("EXISTS", key).equals(":1");
	}

	/**
	 * @return the value, or {@code null} when the key does not exist
	 */
	String get(String key) {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(2000);
			send(socket.getOutputStream(), "GET", key);
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			String header = reader.readLine();
			if (header.equals("$-1")) {
				return null;
			}
			char[] value = new char[Integer.parseInt(header.substring(1))];
			int read = 0;
			while (read < value.length) {
				read += reader.read(value, read, value.length - read);
			}
			return new String(value);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private String call(String... command) {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(2000);
			send(socket.getOutputStream(), command);
			return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
				.readLine();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void send(OutputStream out, String... command) throws IOException {
		StringBuilder request = new StringBuilder("*").append(command.length).append("\r\n");
		for (String part : command) {
			byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
			request.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
		}
		out.write(request.toString().getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

}
