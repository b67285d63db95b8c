package io.replicarouter.pgbouncer;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

import io.replicarouter.jdbc.JdbcUrls;
import org.jspecify.annotations.Nullable;

/**
 * How the admin console connection is secured: the {@code sslmode}, {@code ssl} and
 * {@code sslrootcert} of the node's URL (or of its pool's driver properties), read as pgjdbc
 * reads them, so that the console is reached exactly as the node's connections reach the
 * same PgBouncer:
 * <ul>
 * <li>{@code disable}: no TLS;</li>
 * <li>{@code allow}, {@code prefer} (pgjdbc's default): TLS if PgBouncer offers it, the
 * certificate not checked, otherwise no TLS;</li>
 * <li>{@code require}: TLS or no connection, the certificate not checked;</li>
 * <li>{@code verify-ca}: TLS with a certificate signed by a CA in {@code sslrootcert};</li>
 * <li>{@code verify-full} (also {@code ssl=true} without {@code sslmode}): as
 * {@code verify-ca}, and the certificate names the host of the URL.</li>
 * </ul>
 * {@code sslrootcert} defaults, as in pgjdbc, to {@code ~/.postgresql/root.crt}
 * ({@code %APPDATA%\postgresql\root.crt} on Windows). Other {@code ssl*} parameters (client
 * certificates, {@code sslfactory}) are not used by the console.
 */
final class ConsoleTls {

	/** No TLS: the console's connection before TLS support, and {@code sslmode=disable}. */
	static final ConsoleTls DISABLED = new ConsoleTls("disable", null, null);

	private static final int SSL_REQUEST_CODE = 80877103;

	private final String mode;

	private final @Nullable SSLContext context;

	private final @Nullable Path rootCertificate;

	private ConsoleTls(String mode, @Nullable SSLContext context, @Nullable Path rootCertificate) {
		this.mode = mode;
		this.context = context;
		this.rootCertificate = rootCertificate;
	}

	/**
	 * The TLS settings of the console of the PgBouncer a node's URL points at.
	 * @param url the node's JDBC URL
	 * @param driverProperties its pool's driver properties ({@code data-source-properties})
	 * @param property the property that sets the URL, named in errors
	 * @return the settings
	 * @throws IllegalArgumentException if {@code sslmode} is unknown or the root
	 * certificate cannot be read, naming the property and the fix
	 */
	static ConsoleTls of(String url, Properties driverProperties, String property) {
		Map<String, String> parameters = JdbcUrls.parameters(url);
		String mode = value(parameters, driverProperties, "sslmode");
		if (mode == null) {
			String ssl = value(parameters, driverProperties, "ssl");
			// pgjdbc: ssl=true (or a bare 'ssl') without sslmode means verify-full.
			mode = (ssl != null && !ssl.equalsIgnoreCase("false")) ? "verify-full" : "prefer";
		}
		mode = mode.toLowerCase(Locale.ROOT);
		switch (mode) {
			case "disable":
				return DISABLED;
			case "allow", "prefer", "require":
				return new ConsoleTls(mode, context(new TrustManager[] { new UncheckedTrust() }), null);
			case "verify-ca", "verify-full":
				String root = value(parameters, driverProperties, "sslrootcert");
				Path file = (root != null) ? Path.of(root) : defaultRootCertificate();
				return new ConsoleTls(mode, context(trustManagers(file, mode, root != null, property)), file);
			default:
				throw new IllegalArgumentException(property + " sets sslmode=" + mode + ", which pgjdbc and replica-router"
						+ "'s PgBouncer console do not know. Set sslmode to disable, allow, prefer, require, verify-ca "
						+ "or verify-full (verify-full with sslrootcert=<CA file> to check PgBouncer's certificate).");
		}
	}

	/**
	 * Whether PgBouncer's certificate is checked against a trusted CA: only then may a
	 * password be sent in clear text.
	 * @return whether the server is authenticated by its certificate
	 */
	boolean verifiesServer() {
		return this.mode.startsWith("verify-");
	}

	String mode() {
		return this.mode;
	}

	/**
	 * Ask for TLS on a new connection and, if PgBouncer agrees, return the connection
	 * upgraded to TLS, handshake done; return the connection unchanged when TLS is off, or
	 * when PgBouncer refuses it and the mode allows that.
	 * @param socket the connected socket, nothing sent yet
	 * @param host the host of the URL, checked against the certificate in verify-full
	 * @param port its port
	 * @return the socket to speak the protocol on
	 * @throws IOException if TLS is required but refused, or the handshake fails
	 */
	Socket negotiate(Socket socket, String host, int port) throws IOException {
		SSLContext tls = this.context;
		if (tls == null) {
			return socket;
		}
		byte[] request = { 0, 0, 0, 8, (byte) (SSL_REQUEST_CODE >>> 24), (byte) (SSL_REQUEST_CODE >>> 16),
				(byte) (SSL_REQUEST_CODE >>> 8), (byte) SSL_REQUEST_CODE };
		socket.getOutputStream().write(request);
		socket.getOutputStream().flush();
		InputStream in = socket.getInputStream();
		int answer = in.read();
		if (answer == 'N') {
			if (this.mode.equals("allow") || this.mode.equals("prefer")) {
				return socket;
			}
			throw new IOException("PgBouncer does not offer TLS (client_tls_sslmode = disable?), but the node's URL "
					+ "has sslmode=" + this.mode + ": set client_tls_sslmode, client_tls_key_file and "
					+ "client_tls_cert_file in pgbouncer.ini, or lower sslmode");
		}
		if (answer != 'S') {
			throw new IOException((answer < 0) ? "PgBouncer closed the connection after the TLS request"
					: "Unexpected answer '" + (char) answer + "' to the TLS request: not a PostgreSQL server?");
		}
		if (in.available() > 0) {
			// Bytes sent before the handshake would be read as if they came over TLS (CVE-2021-23214).
			throw new IOException("PgBouncer sent data before the TLS handshake: refused");
		}
		SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
		if (this.mode.equals("verify-full")) {
			SSLParameters parameters = secure.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			secure.setSSLParameters(parameters);
		}
		secure.setSoTimeout(socket.getSoTimeout());
		try {
			secure.startHandshake();
		}
		catch (IOException ex) {
			throw new IOException("TLS handshake with PgBouncer failed (sslmode=" + this.mode + "): " + ex.getMessage(),
					ex);
		}
		return secure;
	}

	private static TrustManager[] trustManagers(Path file, String mode, boolean explicit, String property) {
		String fix = "Set sslrootcert=<file of the CA that signed PgBouncer's client_tls_cert_file, PEM or DER> in "
				+ property + ", or lower sslmode to require to encrypt without checking the certificate.";
		if (!Files.isReadable(file)) {
			throw new IllegalArgumentException(property + " sets sslmode=" + mode + ", so PgBouncer's admin console "
					+ "checks PgBouncer's certificate against "
					+ (explicit ? "sslrootcert=" + file : "pgjdbc's default root certificate " + file)
					+ ", which cannot be read. " + fix);
		}
		try (InputStream in = Files.newInputStream(file)) {
			Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
				.generateCertificates(in);
			if (certificates.isEmpty()) {
				throw new CertificateException("no certificate in it");
			}
			KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
			store.load(null, null);
			int index = 0;
			for (Certificate certificate : certificates) {
				store.setCertificateEntry("ca-" + index++, certificate);
			}
			TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
			factory.init(store);
			TrustManager[] managers = factory.getTrustManagers();
			for (int i = 0; i < managers.length; i++) {
				if (managers[i] instanceof X509ExtendedTrustManager delegate) {
					managers[i] = new ExplainedTrust(delegate, file);
				}
			}
			return managers;
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalArgumentException(property + " sets sslrootcert=" + file + ", which holds no readable "
					+ "X.509 certificate (" + ex.getMessage() + "). " + fix, ex);
		}
	}

	private static SSLContext context(TrustManager[] trust) {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, trust, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("TLS is not available in this JVM", ex);
		}
	}

	private static Path defaultRootCertificate() {
		String appData = System.getenv("APPDATA");
		if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("windows") && appData != null) {
			return Path.of(appData, "postgresql", "root.crt");
		}
		return Path.of(System.getProperty("user.home"), ".postgresql", "root.crt");
	}

	private static @Nullable String value(Map<String, String> parameters, Properties driverProperties, String name) {
		String pair = parameters.get(name);
		if (pair != null) {
			int equals = pair.indexOf('=');
			return (equals < 0) ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
		}
		for (String key : driverProperties.stringPropertyNames()) {
			if (key.equalsIgnoreCase(name)) {
				return driverProperties.getProperty(key);
			}
		}
		return null;
	}

	@Override
	public String toString() {
		return "sslmode=" + this.mode + ((this.rootCertificate != null) ? ", sslrootcert=" + this.rootCertificate : "");
	}

	/**
	 * Says in words which check failed, and against which file, instead of the JDK's
	 * "PKIX path building failed".
	 */
	private static final class ExplainedTrust extends X509ExtendedTrustManager {

		private final X509ExtendedTrustManager delegate;

		private final Path rootCertificate;

		ExplainedTrust(X509ExtendedTrustManager delegate, Path rootCertificate) {
			this.delegate = delegate;
			this.rootCertificate = rootCertificate;
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
				throws CertificateException {
			try {
				this.delegate.checkServerTrusted(chain, authType);
			}
			catch (CertificateException ex) {
				throw untrusted(chain, ex);
			}
			try {
				this.delegate.checkServerTrusted(chain, authType, socket);
			}
			catch (CertificateException ex) {
				throw new CertificateException("PgBouncer's certificate does not name the host of the URL ("
						+ withoutFinalDot(ex.getMessage()) + "). Connect to a host name the certificate lists, or "
						+ "add it to the certificate's subject alternative names", ex);
			}
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			try {
				this.delegate.checkServerTrusted(chain, authType, engine);
			}
			catch (CertificateException ex) {
				throw untrusted(chain, ex);
			}
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			try {
				this.delegate.checkServerTrusted(chain, authType);
			}
			catch (CertificateException ex) {
				throw untrusted(chain, ex);
			}
		}

		private static @Nullable String withoutFinalDot(@Nullable String message) {
			return (message != null && message.endsWith(".")) ? message.substring(0, message.length() - 1) : message;
		}

		private CertificateException untrusted(X509Certificate[] chain, CertificateException ex) {
			String issuer = (chain.length > 0) ? chain[0].getIssuerX500Principal().getName() : "unknown";
			return new CertificateException("PgBouncer's certificate (issued by " + issuer + ") is not signed by a CA "
					+ "in sslrootcert=" + this.rootCertificate + ". Put the CA that signed PgBouncer's "
					+ "client_tls_cert_file in that file", ex);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
				throws CertificateException {
			this.delegate.checkClientTrusted(chain, authType, socket);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			this.delegate.checkClientTrusted(chain, authType, engine);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			this.delegate.checkClientTrusted(chain, authType);
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return this.delegate.getAcceptedIssuers();
		}

	}

	/**
	 * Accepts any certificate: {@code allow}, {@code prefer} and {@code require} encrypt
	 * without authenticating PgBouncer, as pgjdbc does in those modes.
	 */
	private static final class UncheckedTrust implements X509TrustManager {

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) {
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[0];
		}

	}

}
