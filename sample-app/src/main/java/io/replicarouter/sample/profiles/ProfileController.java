package io.replicarouter.sample.profiles;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /profiles/{id}} and {@code PUT /profiles/{id}} (rename, then read back). The
 * response of a write carries the consistency token (cookie and {@code X-Consistency-Token}
 * header), so the client's next read sees the write, even on another instance.
 */
@RestController
@RequestMapping("/profiles")
public class ProfileController {

	private final ProfileService profiles;

	public ProfileController(ProfileService profiles) {
		this.profiles = profiles;
	}

	@GetMapping("/{id}")
	public ResponseEntity<Profile> find(@PathVariable long id) {
		return ResponseEntity.of(this.profiles.find(id));
	}

	@PutMapping("/{id}")
	public ResponseEntity<Profile> rename(@PathVariable long id, @RequestBody Rename rename) {
		if (!this.profiles.rename(id, rename.displayName())) {
			return ResponseEntity.notFound().build();
		}
		return ResponseEntity.of(this.profiles.find(id));
	}

	/**
	 * A new display name.
	 * @param displayName the name
	 */
	public record Rename(String displayName) {
	}

}
