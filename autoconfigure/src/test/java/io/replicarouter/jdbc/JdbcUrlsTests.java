package io.replicarouter.jdbc;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class JdbcUrlsTests {

	@Test
	void recognisesPostgresqlUrls() {
		assertThat(JdbcUrls.isPostgresql("jdbc:postgresql://h:5432/db")).isTrue();
		assertThat(JdbcUrls.isPostgresql("JDBC:POSTGRESQL://h/db")).isTrue();
		assertThat(JdbcUrls.isPostgresql("jdbc:mysql://h/db")).isFalse();
		assertThat(JdbcUrls.isPostgresql(null)).isFalse();
	}

	@Test
	void masksPasswordParameters() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
			.isEqualTo("jdbc:postgresql://h/db?user=u&password=******&ssl=true");
		assertThat(JdbcUrls.mask("jdbc:postgresql://h/db?PASSWORD=s3cret"))
			.isEqualTo("jdbc:postgresql://h/db?PASSWORD=******");
		assertThat(JdbcUrls.mask("jdbc:postgresql://h/db?sslmode=verify-full&sslpassword=k3y"))
			.isEqualTo("jdbc:postgresql://h/db?sslmode=verify-full&sslpassword=******");
	}

	@Test
	void masksUserInfo() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://app:s3cret@h:5432/db"))
			.isEqualTo("jdbc:postgresql://app:******@h:5432/db");
	}

	@Test
	void leavesUrlsWithoutSecretsAlone() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=primary"))
			.isEqualTo("jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=primary");
		assertThat(JdbcUrls.mask(null)).isEmpty();
	}

}
