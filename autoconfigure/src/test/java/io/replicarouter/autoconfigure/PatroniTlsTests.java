package io.replicarouter.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.topology.TopologySource;
import io.replicarouter.topology.patroni.ClusterAnswers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Patroni's REST API over https with a certificate the JVM does not trust: the SSL bundle
 * named by {@code replica-router.patroni.ssl.bundle} trusts it; without it the cluster
 * cannot be read and the status says why. The certificate is made by the JDK's keytool.
 */
class PatroniTlsTests {

	private static final String STORE_PASSWORD = "store-Secret-12";

	@TempDir
	Path directory;

	private HttpsServer server;

	private Path keyStore;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ReplicaRouterAutoConfiguration.class,
				DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://pg-0:5432/app", "spring.datasource.username=app",
				"replica-router.fail-fast=false");

	@BeforeEach
	void start() throws Exception {
		this.keyStore = this.directory.resolve("patroni.p12");
		Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", "patroni", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
				"CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
				this.keyStore.toString(), "-storepass", STORE_PASSWORD)
			.redirectErrorStream(true)
			.start();
		String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(keytool.waitFor()).as(output).isZero();
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(this.keyStore)) {
			store.load(in, STORE_PASSWORD.toCharArray());
		}
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keys.init(store, STORE_PASSWORD.toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keys.getKeyManagers(), null, null);
		this.server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.setHttpsConfigurator(new HttpsConfigurator(context));
		this.server.createContext("/cluster", (exchange) -> {
			ClusterAnswers.respond(exchange, ClusterAnswers.leaderAndOneReplica());
		});
		this.server.start();
	}

	@AfterEach
	void stop() {
		this.server.stop(0);
	}

	private String url() {
		return "replica-router.patroni.urls=https://127.0.0.1:" + this.server.getAddress().getPort();
	}

	@Test
	void theBundleTrustsTheRestApisCertificate() {
		this.runner
			.withPropertyValues(url(), "replica-router.patroni.ssl.bundle=patroni",
					"spring.ssl.bundle.jks.patroni.truststore.location=file:" + this.keyStore,
					"spring.ssl.bundle.jks.patroni.truststore.password=" + STORE_PASSWORD,
					"spring.ssl.bundle.jks.patroni.truststore.type=PKCS12")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(replicas(context.getBean(DatabaseNodes.class))).containsExactly("pg1");
				assertThat(context.getBean(TopologySource.class).status().isReachable()).isTrue();
			});
	}

	@Test
	void withoutTheBundleTheCertificateIsRefusedAndTheStatusSaysSo() {
		this.runner.withPropertyValues(url()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(replicas(context.getBean(DatabaseNodes.class))).isEmpty();
			assertThat(context.getBean(TopologySource.class).status().problem()).contains("Patroni is unreachable")
				.contains("https://127.0.0.1:");
		});
	}

	@Test
	void anUnknownBundleFailsTheStartupNamingTheProperty() {
		this.runner.withPropertyValues(url(), "replica-router.patroni.ssl.bundle=nope").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidReplicaRouterConfigurationException.class)
				.hasMessageContaining("'replica-router.patroni.ssl.bundle'")
				.hasMessageContaining("no SSL bundle is named 'nope'");
		});
	}

	private static List<String> replicas(DatabaseNodes nodes) {
		return nodes.replicas().stream().map(DataSourceNode::name).toList();
	}

}
