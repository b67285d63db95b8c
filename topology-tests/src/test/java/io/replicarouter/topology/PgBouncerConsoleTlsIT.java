package io.replicarouter.topology;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.pgbouncer.PgBouncerPoolsMonitor;
import io.replicarouter.pgbouncer.PgBouncerPoolsMonitor.PgBouncerPools;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PgBouncer admin console monitor against real PgBouncers: one with
 * {@code client_tls_sslmode = require} and a self-signed certificate this test generates
 * (in the JVM, with Bouncy Castle: no {@code openssl} needed), one without TLS, both from
 * {@code deploy/examples/pgbouncer.ini} with SCRAM. No PostgreSQL is needed: the monitor is
 * pointed at the console's own pool ({@code pgbouncer}/{@code pgbouncer}), which
 * {@code SHOW POOLS} always lists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PgBouncerConsoleTlsIT {

	private static final String STATS_USER = "pgbouncer_stats";

	private static final String STATS_PASSWORD = "stats-" + Long.toHexString(new SecureRandom().nextLong());

	/** The only names in the certificate: "localhost" is not one of them. */
	private static final String CERTIFICATE_DNS_NAME = "pgbouncer.test";

	private final List<String> missing = new ArrayList<>();

	private Path directory;

	private Path trusted;

	private Path untrusted;

	private PgBouncer tlsBouncer;

	private PgBouncer plainBouncer;

	@BeforeAll
	void start() throws Exception {
		if (Executables.find("pgbouncer").isEmpty()) {
			this.missing.add("pgbouncer");
		}
		if (Executables.isRoot() && Executables.find("setpriv").isEmpty()) {
			this.missing.add("setpriv (to run pgbouncer unprivileged as root)");
		}
		if (!this.missing.isEmpty()) {
			System.out.println(skipReason());
			return;
		}
		Path examples = Path.of(System.getProperty("topology.examples")).toAbsolutePath().normalize();
		this.directory = Files.createTempDirectory("replica-router-pgbouncer-tls-",
				PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
		Path tlsDirectory = Files.createDirectory(this.directory.resolve("pgbouncer-tls"));
		this.trusted = selfSigned(tlsDirectory.resolve("server.crt"), tlsDirectory.resolve("server.key"));
		this.untrusted = selfSigned(this.directory.resolve("other.crt"), this.directory.resolve("other.key"));
		Map<String, String> users = Map.of(STATS_USER, STATS_PASSWORD);
		this.tlsBouncer = PgBouncer.start("pgbouncer-tls", examples.resolve("pgbouncer.ini"), tlsDirectory, "shop", 1,
				users, Map.of("client_tls_sslmode", "require", "client_tls_cert_file",
						tlsDirectory.resolve("server.crt").toString(), "client_tls_key_file",
						tlsDirectory.resolve("server.key").toString()));
		this.plainBouncer = PgBouncer.start("pgbouncer-plain", examples.resolve("pgbouncer.ini"),
				this.directory.resolve("pgbouncer-plain"), "shop", 1, users, Map.of());
	}

	@BeforeEach
	void requirePrograms() {
		assumeTrue(this.missing.isEmpty(), this::skipReason);
	}

	private String skipReason() {
		return "PgBouncer console TLS test skipped: " + this.missing
				+ " not installed (Debian: apt-get install pgbouncer util-linux)";
	}

	@AfterAll
	void stop() throws IOException {
		if (this.tlsBouncer != null) {
			this.tlsBouncer.close();
		}
		if (this.plainBouncer != null) {
			this.plainBouncer.close();
		}
		if (this.directory != null) {
			try (Stream<Path> tree = Files.walk(this.directory)) {
				for (Path path : tree.sorted(Comparator.reverseOrder()).toList()) {
					Files.deleteIfExists(path);
				}
			}
		}
	}

	@Test
	void showPoolsWorksOverTlsWhenTheCertificateIsTrusted() {
		PgBouncerPools pools = poll(this.tlsBouncer, "127.0.0.1", "?sslmode=verify-full&sslrootcert=" + this.trusted);
		assertThat(pools.error()).isNull();
		assertThat(pools.pool()).containsKeys("cl_active", "sv_idle", "maxwait").containsEntry("pool_mode", "statement");
	}

	@Test
	void theSameConsoleRefusesAConnectionWithoutTlsSoTheOneAboveWasEncrypted() {
		assertThat(poll(this.tlsBouncer, "127.0.0.1", "?sslmode=disable").error()).contains("SSL required");
	}

	@Test
	void showPoolsFailsClearlyWhenTheCertificateIsNotTrusted() {
		PgBouncerPools pools = poll(this.tlsBouncer, "127.0.0.1",
				"?sslmode=verify-full&sslrootcert=" + this.untrusted);
		System.out.println("Untrusted certificate: " + pools.error());
		assertThat(pools.pool()).isEmpty();
		assertThat(pools.error()).contains("TLS handshake with PgBouncer failed (sslmode=verify-full)")
			.contains("is not signed by a CA in sslrootcert=" + this.untrusted)
			.doesNotContain(STATS_PASSWORD);
	}

	@Test
	void verifyFullChecksTheHostNameAndVerifyCaDoesNot() {
		String parameters = "&sslrootcert=" + this.trusted;
		assertThat(poll(this.tlsBouncer, "localhost", "?sslmode=verify-ca" + parameters).error()).isNull();
		String error = poll(this.tlsBouncer, "localhost", "?sslmode=verify-full" + parameters).error();
		System.out.println("Host name not in the certificate: " + error);
		assertThat(error).contains("does not name the host of the URL");
	}

	@Test
	void sslmodeRequireEncryptsWithoutCheckingTheCertificate() {
		assertThat(poll(this.tlsBouncer, "127.0.0.1", "?sslmode=require").error()).isNull();
	}

	@Test
	void withoutTlsInTheUrlTheConsoleStillWorksAsBefore() {
		assertThat(poll(this.plainBouncer, "127.0.0.1", "").error()).isNull();
		assertThat(poll(this.plainBouncer, "127.0.0.1", "?sslmode=disable").error()).isNull();
		assertThat(poll(this.plainBouncer, "127.0.0.1", "?sslmode=require").error()).contains("does not offer TLS");
	}

	/**
	 * Poll the console through the monitor, for a node whose URL points at the bouncer's
	 * own console pool with the TLS parameters given.
	 */
	private static PgBouncerPools poll(PgBouncer bouncer, String host, String parameters) {
		String url = "jdbc:postgresql://" + host + ":" + bouncer.port() + "/pgbouncer" + parameters;
		try (HikariDataSource pool = new HikariDataSource(); HikariDataSource replica = new HikariDataSource()) {
			for (HikariDataSource each : List.of(pool, replica)) {
				each.setJdbcUrl(url);
				each.setUsername("pgbouncer");
			}
			// A set of nodes needs a replica; here it is the same console, polled too.
			DatabaseNodes nodes = new DatabaseNodes(new DataSourceNode("primary", NodeRole.PRIMARY, pool, url, 1),
					List.of(new DataSourceNode("replica-1", NodeRole.REPLICA, replica, url, 1)));
			PgBouncerPoolsMonitor monitor = new PgBouncerPoolsMonitor(nodes, STATS_USER, STATS_PASSWORD,
					Duration.ofMinutes(1), Duration.ofSeconds(5));
			monitor.pollAll();
			PgBouncerPools pools = monitor.pools().get("primary");
			assertThat(pools).isNotNull();
			return pools;
		}
	}

	/**
	 * Write a self-signed certificate for 127.0.0.1 and {@value #CERTIFICATE_DNS_NAME} (PEM)
	 * and its private key (PKCS #8 PEM), as PgBouncer's client_tls_cert_file and
	 * client_tls_key_file want them.
	 * @return the certificate, which is also the CA file that trusts it
	 */
	private static Path selfSigned(Path certificateFile, Path keyFile) throws GeneralSecurityException, IOException {
		try {
			SecureRandom random = new SecureRandom();
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"), random);
			KeyPair keys = generator.generateKeyPair();
			X500Name name = new X500Name("CN=replica-router PgBouncer console test");
			Instant now = Instant.now();
			GeneralNames names = new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
					new GeneralName(GeneralName.dNSName, CERTIFICATE_DNS_NAME) });
			JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, new BigInteger(64, random),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), name,
					keys.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
				.addExtension(Extension.subjectAlternativeName, false, names);
			X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
					builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
			Files.writeString(certificateFile, pem("CERTIFICATE", certificate.getEncoded()), StandardCharsets.US_ASCII);
			Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
			Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
			return certificateFile;
		}
		catch (OperatorCreationException ex) {
			throw new GeneralSecurityException(ex);
		}
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der)
				+ "\n-----END " + type + "-----\n";
	}

}
