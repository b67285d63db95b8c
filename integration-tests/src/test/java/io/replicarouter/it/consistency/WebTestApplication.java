package io.replicarouter.it.consistency;

import java.io.IOException;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.it.RouterTestApplication.Read;
import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.test.PostgresReplicationCluster;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A web application instance for cross-instance read-your-writes tests:
 * {@code POST /kv/{id}?v=} writes, {@code GET /kv/{id}} answers {@code value,port}. An
 * {@code X-User} header stands in for an authenticated user. {@code POST /ledger?rows=}
 * writes rows one transaction each, {@code POST /ledger/callable?rows=} does so in a
 * Spring MVC {@code Callable}, on Boot's task executor.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
		"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
@Import({ Queries.class, WebTestApplication.KvController.class, WebTestApplication.LedgerController.class })
public class WebTestApplication {

	static ConfigurableApplicationContext start(PostgresReplicationCluster cluster, String... properties) {
		List<String> all = new ArrayList<>(RouterTestApplication.properties(cluster));
		all.add("server.port=0");
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(WebTestApplication.class).properties(all.toArray(String[]::new)).run();
	}

	static int port(ConfigurableApplicationContext context) {
		return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
	}

	@Bean
	FilterRegistrationBean<OncePerRequestFilter> userFromHeader() {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
				new OncePerRequestFilter() {

					@Override
					protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
							FilterChain chain) throws ServletException, IOException {
						String user = request.getHeader("X-User");
						if (user == null) {
							chain.doFilter(request, response);
							return;
						}
						chain.doFilter(new HttpServletRequestWrapper(request) {

							@Override
							public Principal getUserPrincipal() {
								return () -> user;
							}

						}, response);
					}

				});
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@RestController
	static class KvController {

		private final Queries queries;

		KvController(Queries queries) {
			this.queries = queries;
		}

		@PostMapping("/kv/{id}")
		String put(@PathVariable int id, @RequestParam("v") long value) {
			this.queries.put(id, value);
			return "ok";
		}

		@GetMapping("/kv/{id}")
		String get(@PathVariable int id) {
			Read read = this.queries.get(id);
			return read.value() + "," + read.server().port();
		}

	}

	@RestController
	static class LedgerController {

		private final Queries queries;

		LedgerController(Queries queries) {
			this.queries = queries;
		}

		@PostMapping("/ledger")
		String write(@RequestParam("rows") int rows) {
			return Long.toString(writeRows(rows));
		}

		@PostMapping("/ledger/callable")
		Callable<String> writeElsewhere(@RequestParam("rows") int rows) {
			return () -> Long.toString(writeRows(rows));
		}

		private long writeRows(int rows) {
			long last = 0;
			for (int i = 0; i < rows; i++) {
				last = this.queries.write();
			}
			return last;
		}

	}


}
