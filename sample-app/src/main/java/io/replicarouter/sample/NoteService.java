package io.replicarouter.sample;

import java.util.Optional;

import io.replicarouter.PrimaryRead;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Plain Spring transactions: replica-router needs nothing more.
 */
@Service
public class NoteService {

	private static final String SELECT = """
			select id, text, written_on, inet_server_port() as read_from, pg_is_in_recovery() as read_from_replica
			from note where id = ?""";

	private final JdbcClient jdbc;

	public NoteService(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * A read-write transaction: runs on the primary.
	 */
	@Transactional
	public long create(String text) {
		return this.jdbc.sql("insert into note (text) values (?) returning id").param(text).query(Long.class).single();
	}

	/**
	 * A read-only transaction: runs on a replica.
	 */
	@Transactional(readOnly = true)
	public Optional<Note> find(long id) {
		return this.jdbc.sql(SELECT).param(id).query(Note.class).optional();
	}

	/**
	 * A read-only transaction that must see the latest data: pinned to the primary.
	 */
	@PrimaryRead
	@Transactional(readOnly = true)
	public Optional<Note> findFresh(long id) {
		return this.jdbc.sql(SELECT).param(id).query(Note.class).optional();
	}

}
