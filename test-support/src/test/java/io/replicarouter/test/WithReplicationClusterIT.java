package io.replicarouter.test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.test.context.junit.jupiter.SpringJUnitConfig;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WithReplicationCluster} points a Spring test's environment at a running cluster and
 * makes the cluster a bean.
 */
@SpringJUnitConfig(WithReplicationClusterIT.Config.class)
@WithReplicationCluster(replicas = 1)
class WithReplicationClusterIT {

	@Autowired
	private ReplicationCluster cluster;

	@Autowired
	private Environment environment;

	@Value("${replica-router.replicas[0].url}")
	private String replicaUrl;

	@Test
	void environmentPointsAtTheRunningClusterAndTheClusterIsInjectable() throws SQLException {
		assertThat(this.cluster).isSameAs(PostgresReplicationCluster.shared(1));
		assertThat(this.environment.getProperty("spring.datasource.url")).isEqualTo(this.cluster.primary().jdbcUrl());
		assertThat(this.environment.getProperty("spring.datasource.username")).isEqualTo(this.cluster.username());
		assertThat(this.replicaUrl).isEqualTo(this.cluster.replica(0).jdbcUrl());
		try (Connection connection = this.cluster.replica(0).connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select pg_is_in_recovery()")) {
			result.next();
			assertThat(result.getBoolean(1)).isTrue();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

	}

}
