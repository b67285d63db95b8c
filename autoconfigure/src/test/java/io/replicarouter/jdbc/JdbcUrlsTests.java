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
		assertThat(JdbcUrls.mask("jdbc:postgresql://app:s3/c@r:et@h:5432/db?ssl=true"))
			.isEqualTo("jdbc:postgresql://app:******@h:5432/db?ssl=true");
		assertThat(JdbcUrls.mask("jdbc:postgresql://app@h/db")).isEqualTo("jdbc:postgresql://app@h/db");
		assertThat(JdbcUrls.hasUserInfo("jdbc:postgresql://app:s3cret@h:5432/db")).isTrue();
		assertThat(JdbcUrls.hasUserInfo("jdbc:postgresql://h:5432/db?options=a@b")).isFalse();
	}

	@Test
	void readsHostsAndParameters() {
		assertThat(JdbcUrls.hosts("jdbc:postgresql://a:1,[::1]:2,b/db?x=1")).containsExactly("a", "::1", "b");
		assertThat(JdbcUrls.hosts("jdbc:postgresql:db")).isEmpty();
		assertThat(JdbcUrls.parameters("jdbc:postgresql://h/db?SslMode=require&ssl")).containsEntry("sslmode",
				"SslMode=require")
			.containsEntry("ssl", "ssl");
		assertThat(JdbcUrls.isLocalHost("127.3.4.5")).isTrue();
		assertThat(JdbcUrls.isLocalHost("db.internal")).isFalse();
	}

	@Test
	void findsMalformedUrls() {
		assertThat(JdbcUrls.malformation("jdbc:postgresql://h:5432/db")).isNull();
		assertThat(JdbcUrls.malformation("jdbc:postgresql:///db")).isNull();
		assertThat(JdbcUrls.malformation("jdbc:postgresql://h:0/db")).contains("port '0'");
		assertThat(JdbcUrls.malformation("jdbc:postgresql://h:5432\n/db")).isNotNull();
		assertThat(JdbcUrls.malformation("jdbc:postgresql://a:1,b:x/db")).contains("port 'x'");
	}

	@Test
	void leavesUrlsWithoutSecretsAlone() {
		assertThat(JdbcUrls.mask("jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=primary"))
			.isEqualTo("jdbc:postgresql://h1:5432,h2:5432/db?targetServerType=primary");
		assertThat(JdbcUrls.mask(null)).isEmpty();
	}

	@Test
	void withServerKeepsTheDatabaseAndParametersButNotTheChoiceAmongHosts() {
		assertThat(JdbcUrls.withServer("jdbc:postgresql://pg-0:5432,pg-1:5432/app?targetServerType=primary&ssl=true"
				+ "&loadBalanceHosts=true&hostRecheckSeconds=2&ApplicationName=shop", "10.0.0.7", 6432))
			.isEqualTo("jdbc:postgresql://10.0.0.7:6432/app?ssl=true&ApplicationName=shop");
		assertThat(JdbcUrls.withServer("jdbc:postgresql://pg-0/app", "pg-2", 5433))
			.isEqualTo("jdbc:postgresql://pg-2:5433/app");
		assertThat(JdbcUrls.withServer("jdbc:postgresql:app?sslmode=require", "::1", 5432))
			.isEqualTo("jdbc:postgresql://[::1]:5432/app?sslmode=require");
		assertThat(JdbcUrls.withServer("jdbc:postgresql://pg-0:5432?targetServerType=primary", "pg-1", 5432))
			.isEqualTo("jdbc:postgresql://pg-1:5432/");
	}

}
