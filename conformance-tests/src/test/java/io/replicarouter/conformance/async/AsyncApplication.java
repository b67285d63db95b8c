package io.replicarouter.conformance.async;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import io.replicarouter.conformance.Observation;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A web application that hands read-only work to Spring's task executor, through {@code @Async} methods and
 * through {@code CompletableFuture.supplyAsync(..., applicationTaskExecutor)}.
 *
 * <p>Boot defaults it relies on: the {@code applicationTaskExecutor} Boot auto-configures (which {@code @Async}
 * uses too), its thread pool or, when the user sets {@code spring.threads.virtual.enabled=true}, its virtual
 * threads; open-in-view on (JPA is on the class path), Hikari's pool settings.
 */
@SpringBootApplication
@EnableAsync
public class AsyncApplication {

	public static void main(String[] args) {
		SpringApplication.run(AsyncApplication.class, args);
	}

	@Service
	static class Notes {

		private static final String OBSERVE = "select inet_server_port(), pg_is_in_recovery(), "
				+ "(select count(*) from async_note where marker = ?)";

		private final JdbcClient jdbc;

		Notes(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		public Observation write(String marker) {
			this.jdbc.sql("insert into async_note (marker) values (?)").param(marker).update();
			return observe("write", marker);
		}

		@Transactional(readOnly = true)
		public Observation read(String operation, String marker) {
			return observe(operation, marker);
		}

		private Observation observe(String operation, String marker) {
			return this.jdbc.sql(OBSERVE)
				.param(marker)
				.query((rs, row) -> new Observation(operation, rs.getInt(1), rs.getBoolean(2), rs.getLong(3)))
				.single();
		}

	}

	@Component
	static class Reports {

		private final Notes notes;

		Reports(Notes notes) {
			this.notes = notes;
		}

		@Async
		public CompletableFuture<Observation> count(String marker) {
			return CompletableFuture.completedFuture(this.notes.read("@Async read", marker));
		}

	}

	@RestController
	static class AsyncController {

		private final Notes notes;

		private final Reports reports;

		private final Executor executor;

		AsyncController(Notes notes, Reports reports, @Qualifier("applicationTaskExecutor") Executor executor) {
			this.notes = notes;
			this.reports = reports;
			this.executor = executor;
		}

		@PostMapping("/async/write-then-read")
		List<Observation> writeThenRead(@RequestParam String marker) {
			Observation write = this.notes.write(marker);
			return List.of(write, this.reports.count(marker).join(), supplyAsync(marker).join());
		}

		@GetMapping("/async/read")
		List<Observation> read(@RequestParam String marker) {
			return List.of(this.reports.count(marker).join(), supplyAsync(marker).join());
		}

		private CompletableFuture<Observation> supplyAsync(String marker) {
			return CompletableFuture.supplyAsync(() -> this.notes.read("supplyAsync read", marker), this.executor);
		}

	}

}
