package io.replicarouter.test;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Quoting of configuration values and masking of secrets.
 */
class ConfigurationQuotingTests {

	@Test
	void configurationValuesAreQuotedForPostgresqlConf() {
		assertThat(PostgresReplicationCluster.quote("32MB")).isEqualTo("'32MB'");
		assertThat(PostgresReplicationCluster.quote("")).isEqualTo("''");
		assertThat(PostgresReplicationCluster.quote("it's \\ here")).isEqualTo("'it''s \\\\ here'");
	}

	@Test
	void conninfoValuesAreQuotedForLibpq() {
		assertThat(PostgresReplicationCluster.conninfoValue("pw")).isEqualTo("'pw'");
		assertThat(PostgresReplicationCluster.conninfoValue("it's \\")).isEqualTo("'it\\'s \\\\'");
	}

	@Test
	void passwordsAreMasked() {
		assertThat(Secrets.mask("host=127.0.0.1 password='it\\'s secret' user=x"))
			.isEqualTo("host=127.0.0.1 password=****** user=x");
		assertThat(Secrets.mask("password=plain user=x")).isEqualTo("password=****** user=x");
		assertThat(Secrets.mask("primary_conninfo = 'password=abc'")).doesNotContain("abc");
		assertThat(new PostgresClusterException("failed: password=abc").getMessage()).isEqualTo("failed: password=******");
	}

	@Test
	void builderRejectsManagedAndInvalidSettings() {
		PostgresReplicationCluster.Builder builder = PostgresReplicationCluster.builder();
		assertThatIllegalArgumentException().isThrownBy(() -> builder.serverSetting("port", "5432"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.serverSetting("primary_conninfo", "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.serverSetting("bad name", "x"));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.replicas(-1));
		assertThatIllegalArgumentException().isThrownBy(() -> builder.password("two\nlines"));
	}

	@Test
	void nodesAreUnavailableBeforeStart() {
		PostgresReplicationCluster cluster = PostgresReplicationCluster.builder().build();
		org.assertj.core.api.Assertions.assertThatIllegalStateException().isThrownBy(cluster::primary);
		assertThat(cluster.isStarted()).isFalse();
		cluster.close();
		assertThat(cluster.isClosed()).isTrue();
	}

}
