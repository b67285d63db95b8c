package io.replicarouter.conformance.openinview;

import java.util.ArrayList;
import java.util.List;

import io.replicarouter.conformance.Observation;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Spring Data JPA and Spring MVC as a user writes them, with open-in-view on (Boot's default): the
 * {@code EntityManager} lives for the whole request while its transactions come and go, so each transaction
 * must still get a connection of its own kind.
 *
 * <p>Boot defaults it relies on: {@code spring.jpa.open-in-view} (on), Hibernate's connection handling as Spring's
 * {@code JpaTransactionManager} leaves it, {@code spring.jpa.hibernate.ddl-auto} ({@code none} for PostgreSQL: the
 * test creates the table, as a user's migrations would), Hikari's pool settings, the filter order of the web
 * stack, no timeouts set. The connection-handling and lazy-fetch conformance tests run this same application with
 * the one setting a user changed.
 */
@SpringBootApplication
public class OpenInViewApplication {

	public static void main(String[] args) {
		SpringApplication.run(OpenInViewApplication.class, args);
	}

	@Service
	static class NoteService {

		private final NoteRepository notes;

		@PersistenceContext
		private EntityManager entityManager;

		NoteService(NoteRepository notes) {
			this.notes = notes;
		}

		@Transactional(readOnly = true)
		public Observation read(String marker) {
			return observe("read", this.notes.countByMarker(marker));
		}

		@Transactional
		public Observation write(String marker) {
			this.notes.saveAndFlush(new Note(marker));
			return observe("write", this.notes.countByMarker(marker));
		}

		private Observation observe(String operation, long rows) {
			Object[] server = (Object[]) this.entityManager.createNativeQuery(Observation.SERVER_QUERY)
				.getSingleResult();
			return new Observation(operation, ((Number) server[0]).intValue(), (Boolean) server[1], rows);
		}

	}

	@RestController
	static class NoteController {

		private final NoteService service;

		NoteController(NoteService service) {
			this.service = service;
		}

		@PostMapping("/notes/read-write-read")
		List<Observation> readWriteRead(@RequestParam String marker) {
			return List.of(this.service.read(marker), this.service.write(marker), this.service.read(marker));
		}

		/**
		 * Writes, then reads until a replica serves a read (a replica replays the write within
		 * milliseconds) or a second has passed.
		 */
		@PostMapping("/notes/write-then-read")
		List<Observation> writeThenRead(@RequestParam String marker) throws InterruptedException {
			List<Observation> operations = new ArrayList<>();
			operations.add(this.service.write(marker));
			for (int attempt = 0; attempt < 20; attempt++) {
				Observation read = this.service.read(marker);
				operations.add(read);
				if (read.inRecovery()) {
					break;
				}
				Thread.sleep(50);
			}
			return operations;
		}

		@PostMapping("/notes")
		Observation write(@RequestParam String marker) {
			return this.service.write(marker);
		}

		@GetMapping("/notes")
		Observation read(@RequestParam String marker) {
			return this.service.read(marker);
		}

	}

}
