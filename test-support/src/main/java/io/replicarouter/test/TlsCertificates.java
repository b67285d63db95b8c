package io.replicarouter.test;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
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
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made for one cluster, and a server certificate it signed for
 * {@code localhost}, {@code 127.0.0.1} and {@code ::1}, so that clients can connect with
 * {@code sslmode=verify-full}. Generated in the JVM with Bouncy Castle: no {@code openssl}
 * needed. Keys are EC P-256, certificates valid for a day.
 *
 * @param rootCertificate the CA's certificate (PEM), readable by everyone
 * @param serverCertificate the server's certificate (PEM)
 * @param serverKey the server's private key (PKCS #8 PEM), readable by the server's user only
 */
record TlsCertificates(Path rootCertificate, Path serverCertificate, Path serverKey) {

	/**
	 * Generate a CA and a server certificate into a new directory, handed to the server's
	 * user.
	 * @param directory the directory to create
	 * @return the files
	 */
	static TlsCertificates generate(Path directory) {
		try {
			Class.forName("org.bouncycastle.cert.X509v3CertificateBuilder", false,
					TlsCertificates.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			throw new PostgresClusterException("tls() needs org.bouncycastle:bcpkix-jdk18on on the test class path",
					ex);
		}
		try {
			Files.createDirectory(directory);
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
			OperatingSystem.giveToServerUser(directory);
			SecureRandom random = new SecureRandom();
			KeyPair caKeys = keyPair(random);
			X500Name caName = new X500Name("CN=replica-router-test CA");
			Instant now = Instant.now();
			JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
			X509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, new BigInteger(64, random),
					Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), caName,
					caKeys.getPublic())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
				.addExtension(Extension.subjectKeyIdentifier, false,
						extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
			X509Certificate caCertificate = sign(ca, caKeys);
			KeyPair serverKeys = keyPair(random);
			GeneralNames names = new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
					new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.iPAddress,
							InetAddress.getByName("::1").getHostAddress()) });
			X509v3CertificateBuilder server = new JcaX509v3CertificateBuilder(caCertificate,
					new BigInteger(64, random), Date.from(now.minus(Duration.ofHours(1))),
					Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=localhost"), serverKeys.getPublic())
				.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
				.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
				.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
				.addExtension(Extension.subjectAlternativeName, false, names)
				.addExtension(Extension.authorityKeyIdentifier, false,
						extensions.createAuthorityKeyIdentifier(caCertificate));
			X509Certificate serverCertificate = sign(server, caKeys);
			Path root = write(directory.resolve("root.crt"), pem("CERTIFICATE", caCertificate.getEncoded()), false);
			Path certificate = write(directory.resolve("server.crt"),
					pem("CERTIFICATE", serverCertificate.getEncoded()), false);
			Path key = write(directory.resolve("server.key"), pem("PRIVATE KEY", serverKeys.getPrivate().getEncoded()),
					true);
			return new TlsCertificates(root, certificate, key);
		}
		catch (IOException | GeneralSecurityException | OperatorCreationException ex) {
			throw new PostgresClusterException("Could not generate TLS certificates in " + directory, ex);
		}
	}

	private static KeyPair keyPair(SecureRandom random) throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(new ECGenParameterSpec("secp256r1"), random);
		return generator.generateKeyPair();
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuer)
			throws OperatorCreationException, GeneralSecurityException, CertIOException {
		ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate());
		return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
	}

	private static String pem(String type, byte[] der) {
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
		return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
	}

	private static Path write(Path file, String content, boolean secret) throws IOException {
		Files.writeString(file, content, StandardCharsets.US_ASCII);
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
		OperatingSystem.giveToServerUser(file);
		return file;
	}

}
