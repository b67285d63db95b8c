package io.replicarouter.topology.patroni;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One member of a Patroni cluster as {@code GET /cluster} describes it.
 *
 * @param name the member's name, which the router gives its node
 * @param role {@code leader}, {@code replica}, {@code sync_standby},
 * {@code standby_leader}, ...
 * @param state {@code running}, {@code streaming}, {@code starting}, {@code stopped},
 * {@code crashed}, ...
 * @param host the host of its PostgreSQL ({@code postgresql.connect_address})
 * @param port the port of its PostgreSQL
 * @param lagBytes how much WAL it had to replay when Patroni last looked, {@code null}
 * when not known (the leader, or Patroni could not tell)
 * @param timeline its timeline, {@code null} when not known
 * @param tags its tags ({@code nofailover}, {@code noloadbalance}, ...)
 */
public record PatroniMember(String name, String role, String state, String host, int port, @Nullable Long lagBytes,
		@Nullable Integer timeline, Map<String, Object> tags) {

	/**
	 * Return whether the member is the leader that takes writes.
	 * @return whether its role is {@code leader} (a standby cluster's
	 * {@code standby_leader} takes none)
	 */
	public boolean isLeader() {
		return "leader".equals(this.role) || "master".equals(this.role) || "primary".equals(this.role);
	}

	/**
	 * Return whether the member runs as a replica that may serve reads: not the leader, its
	 * PostgreSQL running or streaming, and not tagged {@code noloadbalance}. Whether it is
	 * within the lag limit is for the router's own probes to say.
	 * @return whether the router should have a pool for it
	 */
	public boolean servesReads() {
		return !isLeader() && ("running".equals(this.state) || "streaming".equals(this.state))
				&& !isTagged("noloadbalance");
	}

	/**
	 * Return whether a boolean tag is set.
	 * @param tag the tag
	 * @return whether it is {@code true} (or {@code "true"})
	 */
	public boolean isTagged(String tag) {
		Object value = this.tags.get(tag);
		return Boolean.TRUE.equals(value) || (value instanceof String text && "true".equals(text.toLowerCase(Locale.ROOT)));
	}

	/**
	 * Describe the member for the endpoint.
	 * @return its details
	 */
	public Map<String, Object> toDetails() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("name", this.name);
		details.put("role", this.role);
		details.put("state", this.state);
		details.put("address", this.host + ":" + this.port);
		if (this.timeline != null) {
			details.put("timeline", this.timeline);
		}
		if (this.lagBytes != null) {
			details.put("lagBytes", this.lagBytes);
		}
		if (!this.tags.isEmpty()) {
			details.put("tags", this.tags);
		}
		details.put("servesReads", servesReads());
		return details;
	}

	/**
	 * Read the members of a {@code GET /cluster} answer.
	 * @param cluster the parsed JSON object
	 * @return the members that have a name, a host and a port
	 * @throws IllegalArgumentException if the answer has no {@code members} list
	 */
	static List<PatroniMember> listOf(Map<String, Object> cluster) {
		if (!(cluster.get("members") instanceof List<?> members)) {
			throw new IllegalArgumentException("the answer has no 'members' list");
		}
		List<PatroniMember> parsed = new ArrayList<>();
		for (Object entry : members) {
			if (entry instanceof Map<?, ?> member && member.get("name") instanceof String name
					&& member.get("host") instanceof String host && number(member.get("port")) != null) {
				Map<String, Object> tags = new LinkedHashMap<>();
				if (member.get("tags") instanceof Map<?, ?> memberTags) {
					memberTags.forEach((key, value) -> {
						if (value != null) {
							tags.put(String.valueOf(key), value);
						}
					});
				}
				Number port = number(member.get("port"));
				Number lag = number(member.get("lag"));
				Number timeline = number(member.get("timeline"));
				parsed.add(new PatroniMember(name, text(member.get("role")), text(member.get("state")), host,
						port.intValue(), (lag != null) ? lag.longValue() : null,
						(timeline != null) ? timeline.intValue() : null, Map.copyOf(tags)));
			}
		}
		return parsed;
	}

	private static String text(@Nullable Object value) {
		return (value != null) ? value.toString() : "unknown";
	}

	private static @Nullable Number number(@Nullable Object value) {
		if (value instanceof Number number) {
			return number;
		}
		if (value instanceof String text) {
			try {
				return Long.parseLong(text.trim());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

}
