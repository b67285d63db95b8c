package io.replicarouter.conformance.lazyfetch;

import org.springframework.data.jpa.repository.JpaRepository;

/**
 * The application's Spring Data JPA repository.
 */
interface NoteRepository extends JpaRepository<Note, Long> {

	long countByMarker(String marker);

}
