package io.replicarouter.conformance.datajdbc;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A ledger entry, mapped by Spring Data JDBC.
 * @param id the generated key
 * @param marker the test's marker
 */
@Table("dj_entry")
public record Entry(@Id Long id, String marker) {
}
