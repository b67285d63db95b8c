package io.replicarouter.conformance.openinview;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row the application writes and counts.
 */
@Entity
@Table(name = "oiv_note")
public class Note {

	@Id
	@GeneratedValue(strategy = GenerationType.IDENTITY)
	private Long id;

	private String marker;

	protected Note() {
	}

	Note(String marker) {
		this.marker = marker;
	}

	public Long getId() {
		return this.id;
	}

	public String getMarker() {
		return this.marker;
	}

}
