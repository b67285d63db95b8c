package io.replicarouter.routing;

import javax.sql.DataSource;

import io.replicarouter.jdbc.JdbcUrls;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * One database node that the router can send connections to: its name, role, connection
 * pool, balancing weight and zone.
 * <p>
 * The URL kept here is masked: a node never holds or shows a password.
 */
public final class DataSourceNode {

	/**
	 * The replica group of ordinary reads, and of every replica that names none.
	 */
	public static final String DEFAULT_GROUP = "default";

	private final String name;

	private final NodeRole role;

	private final DataSource dataSource;

	private final String maskedUrl;

	private final int weight;

	private final @Nullable String zone;

	private final String group;

	/**
	 * Create a node.
	 * @param name the unique name of the node, also its pool name ({@code primary},
	 * {@code replica-<name>})
	 * @param role the configured role
	 * @param dataSource the pool connections are taken from
	 * @param url the JDBC URL; only its masked form is kept
	 * @param weight the balancing weight, at least 1
	 */
	public DataSourceNode(String name, NodeRole role, DataSource dataSource, String url, int weight) {
		this(name, role, dataSource, url, weight, null);
	}

	/**
	 * Create a node in a zone.
	 * @param name the unique name of the node, also its pool name ({@code primary},
	 * {@code replica-<name>})
	 * @param role the configured role
	 * @param dataSource the pool connections are taken from
	 * @param url the JDBC URL; only its masked form is kept
	 * @param weight the balancing weight, at least 1
	 * @param zone the zone (availability zone, data centre) the node runs in, or
	 * {@code null} when not known
	 */
	public DataSourceNode(String name, NodeRole role, DataSource dataSource, String url, int weight,
			@Nullable String zone) {
		this(name, role, dataSource, url, weight, zone, DEFAULT_GROUP);
	}

	/**
	 * Create a node in a zone and a replica group.
	 * @param name the unique name of the node, also its pool name ({@code primary},
	 * {@code replica-<name>})
	 * @param role the configured role
	 * @param dataSource the pool connections are taken from
	 * @param url the JDBC URL; only its masked form is kept
	 * @param weight the balancing weight, at least 1
	 * @param zone the zone (availability zone, data centre) the node runs in, or
	 * {@code null} when not known
	 * @param group the replica group whose reads the node serves
	 * ({@value #DEFAULT_GROUP} for ordinary reads)
	 */
	public DataSourceNode(String name, NodeRole role, DataSource dataSource, String url, int weight,
			@Nullable String zone, String group) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.hasText(group, "'group' must not be empty");
		Assert.isTrue(weight >= 1, "'weight' must be at least 1");
		this.name = name;
		this.role = role;
		this.dataSource = dataSource;
		this.maskedUrl = JdbcUrls.mask(url);
		this.weight = weight;
		this.zone = (zone != null && !zone.isBlank()) ? zone : null;
		this.group = group;
	}

	/**
	 * Return the unique name of the node, which is also the name of its pool.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the role the node was configured with.
	 * @return the role
	 */
	public NodeRole role() {
		return this.role;
	}

	/**
	 * Return the connection pool of the node.
	 * @return the pool
	 */
	public DataSource dataSource() {
		return this.dataSource;
	}

	/**
	 * Return the JDBC URL of the node with any credentials masked.
	 * @return the masked URL
	 */
	public String maskedUrl() {
		return this.maskedUrl;
	}

	/**
	 * Return the balancing weight of the node.
	 * @return the weight, at least 1
	 */
	public int weight() {
		return this.weight;
	}

	/**
	 * Return the zone the node runs in.
	 * @return the zone, or {@code null} when not known
	 */
	public @Nullable String zone() {
		return this.zone;
	}

	/**
	 * Return the replica group whose reads the node serves.
	 * @return the group, {@value #DEFAULT_GROUP} for ordinary reads
	 */
	public String group() {
		return this.group;
	}

	@Override
	public String toString() {
		return this.name + " (" + this.maskedUrl + ")";
	}

}
