package io.replicarouter.jdbc;

import java.util.Map;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicas inherit the primary URL's TLS parameters unless they set their own, and a node
 * on another machine without {@code sslmode=require} or stronger is reported at startup.
 */
@ExtendWith(OutputCaptureExtension.class)
class TransportSecurityTests {

	private static final String SECURE_PRIMARY = "jdbc:postgresql://127.0.0.1:1/app?ApplicationName=shop"
			+ "&sslmode=verify-full&sslrootcert=/etc/ca.pem&sslpassword=key-Secret-3&connectTimeout=3";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ReplicaRouterAutoConfiguration.class, DataSourceAutoConfiguration.class))
		.withPropertyValues("spring.datasource.username=app", "replica-router.health.probe-timeout=200ms");

	@Test
	void replicasInheritTheSslParametersOfThePrimaryUrlAndOverrideThemByName() {
		this.runner
			.withPropertyValues("spring.datasource.url=" + SECURE_PRIMARY,
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:3/app?SSLMODE=require",
					"replica-router.replicas[2].url=jdbc:postgresql://127.0.0.1:4/app",
					"replica-router.replicas[2].hikari.data-source-properties.sslrootcert=/etc/other-ca.pem")
			.run((context) -> {
				ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
				assertThat(url(router, 0)).isEqualTo("jdbc:postgresql://127.0.0.1:2/app?sslmode=verify-full"
						+ "&sslrootcert=/etc/ca.pem&sslpassword=key-Secret-3");
				assertThat(url(router, 1)).isEqualTo("jdbc:postgresql://127.0.0.1:3/app?SSLMODE=require"
						+ "&sslrootcert=/etc/ca.pem&sslpassword=key-Secret-3");
				assertThat(url(router, 2)).isEqualTo("jdbc:postgresql://127.0.0.1:4/app?sslmode=verify-full"
						+ "&sslpassword=key-Secret-3");
				assertThat(router.getReplicas().get(0).maskedUrl()).contains("sslmode=verify-full")
					.doesNotContain("key-Secret-3");
			});
	}

	@Test
	void replicasInheritNothingFromAPrimaryWithoutSslParameters() {
		assertThat(TransportSecurity.inheritSslParameters("jdbc:postgresql://p/app?ApplicationName=x",
				"jdbc:postgresql://r/app", Map.of()))
			.isEqualTo("jdbc:postgresql://r/app");
		assertThat(TransportSecurity.inheritSslParameters("jdbc:postgresql://p/app?ssl=true",
				"jdbc:postgresql://r/app?readOnlyMode=always", Map.of()))
			.isEqualTo("jdbc:postgresql://r/app?readOnlyMode=always&ssl=true");
	}

	@Test
	void weakSslModeToAnotherMachineIsReportedOncePerNode(CapturedOutput output) {
		this.runner
			.withPropertyValues("spring.datasource.url=jdbc:postgresql://db.example.invalid:5432/app",
					"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:2/app",
					"replica-router.replicas[1].url=jdbc:postgresql://replica.example.invalid/app?sslmode=prefer",
					"replica-router.replicas[2].url=jdbc:postgresql://replica2.example.invalid/app?sslmode=require",
					"replica-router.replicas[3].url=jdbc:postgresql://localhost:7,[::1]:8/app?sslmode=disable")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				String log = output.getOut();
				assertThat(log.split("spring.datasource.url connects to db.example.invalid", -1)).hasSize(2);
				assertThat(log).contains("no sslmode (the driver's default, prefer)")
					.contains("replica-router.replicas[1].url connects to replica.example.invalid with sslmode=prefer")
					.contains("Add sslmode=verify-full")
					.doesNotContain("replica-router.replicas[0].url connects")
					.doesNotContain("replica-router.replicas[2].url connects")
					.doesNotContain("replica-router.replicas[3].url connects");
			});
	}

	@Test
	void sslTrueOrAUnixSocketIsNotReported() {
		assertThat(TransportSecurity.warnIfWeak("p", "jdbc:postgresql://db.example.com/app?ssl=true",
				new Properties()))
			.isFalse();
		assertThat(TransportSecurity.warnIfWeak("p", "jdbc:postgresql://db.example.com/app?ssl=false",
				new Properties()))
			.isTrue();
		Properties verifyCa = new Properties();
		verifyCa.setProperty("sslMode", "verify-ca");
		assertThat(TransportSecurity.warnIfWeak("p", "jdbc:postgresql://db.example.com/app", verifyCa)).isFalse();
		assertThat(TransportSecurity.warnIfWeak("p",
				"jdbc:postgresql://db.example.com/app?socketFactory=org.newsclub.net.unix.AFUNIXSocketFactory$FactoryArg",
				new Properties()))
			.isFalse();
		assertThat(TransportSecurity.warnIfWeak("p", "jdbc:postgresql:app", new Properties())).isFalse();
		assertThat(TransportSecurity.warnIfWeak("p", "jdbc:postgresql://127.12.0.1/app?sslmode=allow",
				new Properties()))
			.isFalse();
	}

	private static String url(ReplicaRoutingDataSource router, int replica) {
		return ((HikariDataSource) router.getReplicas().get(replica).dataSource()).getJdbcUrl();
	}

}
