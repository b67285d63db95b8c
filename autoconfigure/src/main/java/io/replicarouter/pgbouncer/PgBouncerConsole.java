package io.replicarouter.pgbouncer;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLSocket;

import org.jspecify.annotations.Nullable;

/**
 * Runs one query on PgBouncer's admin console over the PostgreSQL wire protocol (simple
 * query protocol, trust, MD5 or SCRAM-SHA-256 login).
 * <p>
 * Not through the JDBC driver, because pgjdbc cannot log in to the console. After login
 * pgjdbc 42.7.13 runs {@code SET extra_float_digits = 2} ({@code ConnectionFactoryImpl
 * .runInitialQueries}), chosen from the version the server reports, which for the console
 * is {@code server_version = 1.18.0/bouncer}, read as older than PostgreSQL 9.0. No
 * connection property turns it off: {@code assumeMinServerVersion} changes only the startup
 * packet (and the {@code SET application_name}), and {@code preferQueryMode=simple} only how
 * the {@code SET} is sent. The console accepts {@code SET} of its own settings only, from
 * {@code admin_users} only: an admin user gets "SET failed", a {@code stats_users} user
 * "admin access needed", and pgjdbc closes the connection. Neither the startup packet
 * (accepted, even without {@code ignore_startup_parameters}: it carries no
 * {@code extra_float_digits}) nor the extended protocol (never reached) is the obstacle.
 * Checked against PgBouncer 1.18 with no option, {@code preferQueryMode=simple},
 * {@code assumeMinServerVersion=12} and both.
 * <p>
 * TLS follows the node's URL ({@link ConsoleTls}): the console sends PostgreSQL's
 * SSLRequest and continues over TLS when the URL's {@code sslmode} asks for it, as pgjdbc
 * does for the node's own connections to the same PgBouncer.
 * <p>
 * A password is sent in clear text only over TLS whose certificate was verified
 * ({@code sslmode=verify-ca} or {@code verify-full}). Otherwise a server that asks for one
 * (PgBouncer's {@code auth_type = plain}, or anyone on the path pretending to be PgBouncer to
 * downgrade SCRAM) is refused, as before TLS support. SCRAM and MD5 work in every mode.
 */
final class PgBouncerConsole {

	private static final int PROTOCOL_3 = 196608;

	private PgBouncerConsole() {
	}

	/**
	 * Run a query and return its rows.
	 * @param host the PgBouncer's host
	 * @param port its port
	 * @param tls how the connection is secured
	 * @param user a user in its {@code stats_users} or {@code admin_users}
	 * @param password the user's password, or {@code null}
	 * @param query the query, such as {@code SHOW POOLS}
	 * @param timeout connect timeout, and longest wait for each answer
	 * @return the rows, each column by name, values as text
	 * @throws IOException if PgBouncer cannot be reached or answers with an error
	 */
	static List<Map<String, @Nullable String>> query(String host, int port, ConsoleTls tls, String user,
			@Nullable String password, String query, Duration timeout) throws IOException {
		Socket plain = new Socket();
		Socket socket = plain;
		try {
			int millis = (int) Math.max(1, timeout.toMillis());
			plain.connect(new InetSocketAddress(host, port), millis);
			plain.setSoTimeout(millis);
			socket = tls.negotiate(plain, host, port);
			DataInputStream in = new DataInputStream(socket.getInputStream());
			OutputStream out = socket.getOutputStream();
			startup(out, user);
			authenticate(in, out, user, password, (socket instanceof SSLSocket) && tls.verifiesServer(), tls);
			awaitReadyForQuery(in);
			send(out, 'Q', cstring(query));
			List<Map<String, @Nullable String>> rows = new ArrayList<>();
			List<String> columns = List.of();
			String error = null;
			while (true) {
				Message message = read(in);
				switch (message.type()) {
					case 'T' -> columns = columns(message.body());
					case 'D' -> rows.add(row(message.body(), columns));
					case 'E' -> error = errorMessage(message.body());
					case 'Z' -> {
						send(out, 'X', new byte[0]);
						if (error != null) {
							throw new IOException(error);
						}
						return rows;
					}
					default -> {
						// CommandComplete, notices, parameter status: nothing to keep.
					}
				}
			}
		}
		finally {
			// Closing the TLS socket closes the one below it; closing both covers a failed upgrade.
			socket.close();
			plain.close();
		}
	}

	private static void awaitReadyForQuery(DataInputStream in) throws IOException {
		while (true) {
			Message message = read(in);
			if (message.type() == 'E') {
				throw new IOException(errorMessage(message.body()));
			}
			if (message.type() == 'Z') {
				return;
			}
		}
	}

	private static void startup(OutputStream out, String user) throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		writeInt(body, PROTOCOL_3);
		for (String part : new String[] { "user", user, "database", "pgbouncer", "application_name",
				"replica-router-monitor" }) {
			body.write(cstring(part));
		}
		body.write(0);
		byte[] bytes = body.toByteArray();
		ByteArrayOutputStream message = new ByteArrayOutputStream();
		writeInt(message, bytes.length + 4);
		message.write(bytes);
		out.write(message.toByteArray());
		out.flush();
	}

	private static void authenticate(DataInputStream in, OutputStream out, String user, @Nullable String password,
			boolean verifiedTls, ConsoleTls tls) throws IOException {
		Scram scram = null;
		while (true) {
			Message message = read(in);
			if (message.type() == 'E') {
				throw new IOException(errorMessage(message.body()));
			}
			if (message.type() != 'R') {
				throw new IOException("Unexpected message '" + message.type() + "' during login");
			}
			int code = readInt(message.body(), 0);
			switch (code) {
				case 0 -> {
					return;
				}
				case 3 -> {
					if (!verifiedTls) {
						throw new IOException("PgBouncer asked for the password in clear text, over a connection that"
								+ " is not encrypted or whose certificate is not verified (" + tls + ");"
								+ " replica-router does not send it: use auth_type = scram-sha-256 (or md5) for the"
								+ " admin console's user, or sslmode=verify-full with sslrootcert in the node's URL");
					}
					send(out, 'p', cstring(requirePassword(password)));
				}
				case 5 -> {
					byte[] salt = slice(message.body(), 4, 8);
					String inner = md5Hex((requirePassword(password) + user).getBytes(StandardCharsets.UTF_8));
					byte[] outerInput = concat(inner.getBytes(StandardCharsets.US_ASCII), salt);
					send(out, 'p', cstring("md5" + md5Hex(outerInput)));
				}
				case 10 -> {
					scram = new Scram(requirePassword(password));
					ByteArrayOutputStream initial = new ByteArrayOutputStream();
					initial.write(cstring("SCRAM-SHA-256"));
					byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
					writeInt(initial, first.length);
					initial.write(first);
					send(out, 'p', initial.toByteArray());
				}
				case 11 -> send(out, 'p', requireScram(scram)
					.clientFinal(new String(slice(message.body(), 4, message.body().length), StandardCharsets.UTF_8))
					.getBytes(StandardCharsets.UTF_8));
				case 12 -> requireScram(scram)
					.verifyServerFinal(new String(slice(message.body(), 4, message.body().length), StandardCharsets.UTF_8));
				default -> throw new IOException("Unsupported authentication method " + code);
			}
		}
	}

	private static String requirePassword(@Nullable String password) throws IOException {
		if (password == null) {
			throw new IOException("PgBouncer asks for a password but none is set");
		}
		return password;
	}

	private static Scram requireScram(@Nullable Scram scram) throws IOException {
		if (scram == null) {
			throw new IOException("SCRAM message before SCRAM started");
		}
		return scram;
	}

	private static List<String> columns(byte[] body) {
		int count = readShort(body, 0);
		List<String> names = new ArrayList<>(count);
		int position = 2;
		for (int i = 0; i < count; i++) {
			int end = indexOfZero(body, position);
			names.add(new String(body, position, end - position, StandardCharsets.UTF_8));
			// table oid, column, type oid, type size, type modifier, format
			position = end + 1 + 4 + 2 + 4 + 2 + 4 + 2;
		}
		return names;
	}

	private static Map<String, @Nullable String> row(byte[] body, List<String> columns) {
		int count = readShort(body, 0);
		Map<String, @Nullable String> row = new LinkedHashMap<>();
		int position = 2;
		for (int i = 0; i < count; i++) {
			int length = readInt(body, position);
			position += 4;
			String value = null;
			if (length >= 0) {
				value = new String(body, position, length, StandardCharsets.UTF_8);
				position += length;
			}
			row.put((i < columns.size()) ? columns.get(i) : String.valueOf(i), value);
		}
		return row;
	}

	private static String errorMessage(byte[] body) {
		int position = 0;
		while (position < body.length && body[position] != 0) {
			byte field = body[position];
			int end = indexOfZero(body, position + 1);
			if (field == 'M') {
				return new String(body, position + 1, end - position - 1, StandardCharsets.UTF_8);
			}
			position = end + 1;
		}
		return "error without message";
	}

	private record Message(char type, byte[] body) {
	}

	private static Message read(DataInputStream in) throws IOException {
		int type = in.read();
		if (type < 0) {
			throw new EOFException("PgBouncer closed the connection");
		}
		int length = in.readInt();
		if (length < 4 || length > 16 * 1024 * 1024) {
			throw new IOException("Invalid message length " + length);
		}
		byte[] body = new byte[length - 4];
		in.readFully(body);
		return new Message((char) type, body);
	}

	private static void send(OutputStream out, char type, byte[] body) throws IOException {
		ByteArrayOutputStream message = new ByteArrayOutputStream();
		message.write(type);
		writeInt(message, body.length + 4);
		message.write(body);
		out.write(message.toByteArray());
		out.flush();
	}

	private static byte[] cstring(String value) {
		return concat(value.getBytes(StandardCharsets.UTF_8), new byte[] { 0 });
	}

	private static void writeInt(ByteArrayOutputStream out, int value) {
		out.write(value >>> 24);
		out.write(value >>> 16);
		out.write(value >>> 8);
		out.write(value);
	}

	private static int readInt(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
				| (bytes[offset + 3] & 0xff);
	}

	private static int readShort(byte[] bytes, int offset) {
		return ((bytes[offset] & 0xff) << 8) | (bytes[offset + 1] & 0xff);
	}

	private static int indexOfZero(byte[] bytes, int from) {
		for (int i = from; i < bytes.length; i++) {
			if (bytes[i] == 0) {
				return i;
			}
		}
		return bytes.length;
	}

	private static byte[] slice(byte[] bytes, int from, int to) {
		byte[] slice = new byte[to - from];
		System.arraycopy(bytes, from, slice, 0, slice.length);
		return slice;
	}

	private static byte[] concat(byte[] a, byte[] b) {
		byte[] result = new byte[a.length + b.length];
		System.arraycopy(a, 0, result, 0, a.length);
		System.arraycopy(b, 0, result, a.length, b.length);
		return result;
	}

	private static String md5Hex(byte[] input) throws IOException {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(input));
		}
		catch (GeneralSecurityException ex) {
			throw new IOException("MD5 is not available", ex);
		}
	}

	/**
	 * The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding.
	 */
	private static final class Scram {

		private final String password;

		private final String clientFirstBare;

		private final String clientNonce;

		private byte @Nullable [] expectedServerSignature;

		Scram(String password) {
			this.password = password;
			byte[] nonce = new byte[18];
			new SecureRandom().nextBytes(nonce);
			this.clientNonce = Base64.getEncoder().encodeToString(nonce);
			// The user name is taken from the startup message; PostgreSQL and PgBouncer ignore this one.
			this.clientFirstBare = "n=*,r=" + this.clientNonce;
		}

		String clientFirst() {
			return "n,," + this.clientFirstBare;
		}

		String clientFinal(String serverFirst) throws IOException {
			Map<Character, String> attributes = attributes(serverFirst);
			String nonce = attributes.get('r');
			String salt = attributes.get('s');
			String iterations = attributes.get('i');
			if (nonce == null || salt == null || iterations == null || !nonce.startsWith(this.clientNonce)) {
				throw new IOException("Invalid SCRAM server-first-message");
			}
			try {
				byte[] saltedPassword = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
					.generateSecret(new PBEKeySpec(this.password.toCharArray(), Base64.getDecoder().decode(salt),
							Integer.parseInt(iterations), 256))
					.getEncoded();
				String clientFinalWithoutProof = "c=biws,r=" + nonce;
				byte[] authMessage = (this.clientFirstBare + "," + serverFirst + "," + clientFinalWithoutProof)
					.getBytes(StandardCharsets.UTF_8);
				byte[] clientKey = hmac(saltedPassword, "Client Key".getBytes(StandardCharsets.UTF_8));
				byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
				byte[] clientSignature = hmac(storedKey, authMessage);
				byte[] proof = new byte[clientKey.length];
				for (int i = 0; i < proof.length; i++) {
					proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
				}
				byte[] serverKey = hmac(saltedPassword, "Server Key".getBytes(StandardCharsets.UTF_8));
				this.expectedServerSignature = hmac(serverKey, authMessage);
				return clientFinalWithoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
			}
			catch (GeneralSecurityException | IllegalArgumentException ex) {
				throw new IOException("SCRAM computation failed", ex);
			}
		}

		void verifyServerFinal(String serverFinal) throws IOException {
			String signature = attributes(serverFinal).get('v');
			if (signature == null || this.expectedServerSignature == null || !MessageDigest
				.isEqual(Base64.getDecoder().decode(signature), this.expectedServerSignature)) {
				throw new IOException("PgBouncer's SCRAM signature does not match: not the expected server");
			}
		}

		private static Map<Character, String> attributes(String message) {
			Map<Character, String> attributes = new LinkedHashMap<>();
			for (String part : message.split(",")) {
				if (part.length() >= 2 && part.charAt(1) == '=') {
					attributes.put(part.charAt(0), part.substring(2));
				}
			}
			return attributes;
		}

		private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			return mac.doFinal(data);
		}

	}

}
