package io.replicarouter.conformance.batch;

import java.util.ArrayList;
import java.util.List;

import io.replicarouter.conformance.Observation;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An import endpoint that writes many rows in one request, one transaction (one commit) per row, as a loop over
 * a {@code @Transactional} service does. The response must still carry one consistency token, not one per commit.
 *
 * <p>Boot defaults it relies on: Spring MVC's response handling and filter order, open-in-view on (JPA is on the
 * class path), {@code JdbcClient} from Boot's auto-configuration, Hikari's pool settings.
 */
@SpringBootApplication
public class BatchApplication {

	public static void main(String[] args) {
		SpringApplication.run(BatchApplication.class, args);
	}

	@Service
	static class RowService {

		private final JdbcClient jdbc;

		RowService(JdbcClient jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		public Observation insert(String marker) {
			return this.jdbc.sql("with inserted as (insert into batch_row (marker) values (?) returning 1) "
					+ "select inet_server_port(), pg_is_in_recovery(), (select count(*) from inserted)")
				.param(marker)
				.query((rs, row) -> new Observation("insert", rs.getInt(1), rs.getBoolean(2), rs.getLong(3)))
				.single();
		}

		@Transactional(readOnly = true)
		public Observation count(String marker) {
			return this.jdbc.sql("select inet_server_port(), pg_is_in_recovery(), "
					+ "(select count(*) from batch_row where marker = ?)")
				.param(marker)
				.query((rs, row) -> new Observation("count", rs.getInt(1), rs.getBoolean(2), rs.getLong(3)))
				.single();
		}

	}

	@RestController
	static class ImportController {

		private final RowService rows;

		ImportController(RowService rows) {
			this.rows = rows;
		}

		/**
		 * Inserts {@code rows} rows, each in its own transaction, and answers the nodes that served them.
		 */
		@PostMapping("/import")
		List<Observation> importRows(@RequestParam String marker, @RequestParam int rows) {
			List<Observation> inserts = new ArrayList<>(rows);
			for (int i = 0; i < rows; i++) {
				inserts.add(this.rows.insert(marker));
			}
			return inserts;
		}

		@GetMapping("/import")
		Observation count(@RequestParam String marker) {
			return this.rows.count(marker);
		}

	}

}
