package io.replicarouter.it.tracing;

import java.util.ArrayList;
import java.util.List;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.replicarouter.test.PostgresReplicationCluster;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A traced web application on replica-router, with Boot's defaults: {@code POST /notes/{id}}
 * writes a note in one transaction, then reads it back in a read-only one, and answers
 * {@code <value>,<port of the server that answered the read>}. Spans are exported to
 * memory.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ TracedApplication.Notes.class, TracedApplication.NotesController.class })
class TracedApplication {

	static ConfigurableApplicationContext start(PostgresReplicationCluster cluster) {
		List<String> properties = new ArrayList<>();
		cluster.springBootProperties().forEach((name, value) -> properties.add(name + "=" + value));
		properties.add("server.port=0");
		return new SpringApplicationBuilder(TracedApplication.class).properties(properties.toArray(String[]::new))
			.run();
	}

	@Bean
	InMemorySpanExporter inMemorySpanExporter() {
		return InMemorySpanExporter.create();
	}

	@Service
	static class Notes {

		private final JdbcTemplate jdbc;

		Notes(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Transactional
		void write(int id, long value) {
			this.jdbc.update("insert into notes (id, v) values (?, ?) on conflict (id) do update set v = excluded.v",
					id, value);
		}

		@Transactional(readOnly = true)
		String read(int id) {
			return this.jdbc.queryForObject("select v || ',' || inet_server_port() from notes where id = ?",
					String.class, id);
		}

	}

	@RestController
	static class NotesController {

		private final Notes notes;

		NotesController(Notes notes) {
			this.notes = notes;
		}

		@PostMapping("/notes/{id}/{value}")
		String writeThenRead(@PathVariable int id, @PathVariable long value) {
			this.notes.write(id, value);
			return this.notes.read(id);
		}

	}

}
