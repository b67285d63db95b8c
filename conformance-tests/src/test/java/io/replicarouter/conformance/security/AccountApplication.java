package io.replicarouter.conformance.security;

import io.replicarouter.conformance.Observation;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.session.data.redis.config.annotation.web.http.EnableRedisHttpSession;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web application behind Spring Security's form login, with its HTTP sessions in Redis (Spring Session), run as
 * several instances behind a load balancer. Its users set {@code replica-router.consistency.store=redis} because
 * the token must follow the user from instance to instance without a cookie of its own.
 *
 * <p>Boot defaults it relies on: the order of Spring Session's and Spring Security's filters, Spring Session's
 * {@code SESSION} cookie and Redis namespace, Boot's Redis connection factory, open-in-view left alone, Hikari's
 * pool settings. CSRF protection is off because its clients are scripts, not browsers.
 */
@SpringBootApplication
@EnableRedisHttpSession
public class AccountApplication {

	public static void main(String[] args) {
		SpringApplication.run(AccountApplication.class, args);
	}

	@Bean
	SecurityFilterChain security(HttpSecurity http) throws Exception {
		return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
			.formLogin(Customizer.withDefaults())
			.csrf((csrf) -> csrf.disable())
			.build();
	}

	@Bean
	UserDetailsService users() {
		return new InMemoryUserDetailsManager(
				User.withUsername("alice").password("{noop}alice-password").roles("USER").build());
	}

	@Service
	static class Items {

		private static final String OBSERVE = "select inet_server_port(), pg_is_in_recovery(), "
				+ "(select count(*) from account_item where marker = ?)";

		private final JdbcClient jdbc;

		Items(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		public Observation add(String marker) {
			this.jdbc.sql("insert into account_item (marker) values (?)").param(marker).update();
			return observe("write", marker);
		}

		@Transactional(readOnly = true)
		public Observation count(String marker) {
			return observe("read", marker);
		}

		private Observation observe(String operation, String marker) {
			return this.jdbc.sql(OBSERVE)
				.param(marker)
				.query((rs, row) -> new Observation(operation, rs.getInt(1), rs.getBoolean(2), rs.getLong(3)))
				.single();
		}

	}

	@RestController
	static class ItemController {

		private final Items items;

		ItemController(Items items) {
			this.items = items;
		}

		@PostMapping("/items")
		Observation add(@RequestParam String marker) {
			return this.items.add(marker);
		}

		@GetMapping("/items")
		Observation count(@RequestParam String marker) {
			return this.items.count(marker);
		}

	}

}
