package io.replicarouter.sample;

import java.net.URI;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /notes} writes (primary), {@code GET /notes/{id}} reads (replica),
 * {@code GET /notes/{id}/fresh} reads with {@code @PrimaryRead} (primary).
 */
@RestController
@RequestMapping("/notes")
public class NoteController {

	private final NoteService notes;

	public NoteController(NoteService notes) {
		this.notes = notes;
	}

	@PostMapping
	public ResponseEntity<Void> create(@RequestBody String text) {
		long id = this.notes.create(text);
		return ResponseEntity.created(URI.create("/notes/" + id)).build();
	}

	@GetMapping("/{id}")
	public ResponseEntity<Note> find(@PathVariable long id) {
		return ResponseEntity.of(this.notes.find(id));
	}

	@GetMapping("/{id}/fresh")
	public ResponseEntity<Note> findFresh(@PathVariable long id) {
		return ResponseEntity.of(this.notes.findFresh(id));
	}

}
