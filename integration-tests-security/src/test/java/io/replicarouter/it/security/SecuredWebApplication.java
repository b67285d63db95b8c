package io.replicarouter.it.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.replicarouter.test.PostgresReplicationCluster;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.session.data.redis.config.annotation.web.http.EnableRedisHttpSession;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web application as many are: Spring Security (HTTP Basic, in-memory users) and HTTP
 * sessions in Redis (Spring Session). {@code POST /kv/{id}?v=} writes,
 * {@code GET /kv/{id}} answers {@code value,port}.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableRedisHttpSession
@Import({ SecuredWebApplication.Kv.class, SecuredWebApplication.KvController.class })
public class SecuredWebApplication {

	static final Map<String, String> USERS = Map.of("alice", "alice-Pass-1", "bob", "bob-Pass-2");

	static ConfigurableApplicationContext start(PostgresReplicationCluster cluster, String... properties) {
		List<String> all = new ArrayList<>();
		cluster.springBootProperties().forEach((name, value) -> all.add(name + "=" + value));
		all.add("server.port=0");
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(SecuredWebApplication.class).properties(all.toArray(String[]::new)).run();
	}

	static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		// An API for HTTP Basic clients: no CSRF tokens; a session for every client, so that
		// the test can key tokens by session.
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.httpBasic(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.ALWAYS))
			.build();
	}

	@Bean
	UserDetailsService users() {
		InMemoryUserDetailsManager users = new InMemoryUserDetailsManager();
		USERS.forEach((name, password) -> users
			.createUser(User.withUsername(name).password("{noop}" + password).roles("USER").build()));
		return users;
	}

	@Service
	static class Kv {

		private final JdbcTemplate jdbc;

		Kv(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		public void put(int id, long value) {
			this.jdbc.update("insert into kv (id, v) values (?, ?) on conflict (id) do update set v = excluded.v", id,
					value);
		}

		@Transactional(readOnly = true)
		public String get(int id) {
			Long value = this.jdbc.query("select v from kv where id = ?", (rs) -> rs.next() ? rs.getLong(1) : -1L, id);
			Integer port = this.jdbc.queryForObject("select inet_server_port()", Integer.class);
			return value + "," + port;
		}

	}

	@RestController
	static class KvController {

		private final Kv kv;

		KvController(Kv kv) {
			this.kv = kv;
		}

		@PostMapping("/kv/{id}")
		String put(@PathVariable int id, @RequestParam("v") long value) {
			this.kv.put(id, value);
			return "ok";
		}

		@GetMapping("/kv/{id}")
		String get(@PathVariable int id) {
			return this.kv.get(id);
		}

	}

}
