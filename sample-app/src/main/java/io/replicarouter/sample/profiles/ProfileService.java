package io.replicarouter.sample.profiles;

import java.util.Optional;

import io.replicarouter.sample.ServedBy;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Profiles: the classic read-your-writes case. A user renames themselves and the next
 * page, read from a replica, must show the new name.
 */
@Service
public class ProfileService {

	private static final String SELECT = "select id, email, display_name, " + ServedBy.COLUMNS
			+ " from customer_profile where id = ?";

	private final JdbcClient jdbc;

	public ProfileService(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	@Transactional(readOnly = true)
	public Optional<Profile> find(long id) {
		return this.jdbc.sql(SELECT)
			.param(id)
			.query((rs, row) -> new Profile(rs.getLong("id"), rs.getString("email"), rs.getString("display_name"),
					new ServedBy(rs.getInt("served_port"), rs.getBoolean("served_by_replica"))))
			.optional();
	}

	@Transactional
	public boolean rename(long id, String displayName) {
		return this.jdbc
			.sql("update customer_profile set display_name = ?, updated_at = now(), written_on = inet_server_port() "
					+ "where id = ?")
			.params(displayName, id)
			.update() == 1;
	}

}
