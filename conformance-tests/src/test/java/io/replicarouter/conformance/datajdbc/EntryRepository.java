package io.replicarouter.conformance.datajdbc;

import org.springframework.data.repository.CrudRepository;

/**
 * The application's Spring Data JDBC repository.
 */
interface EntryRepository extends CrudRepository<Entry, Long> {

}
