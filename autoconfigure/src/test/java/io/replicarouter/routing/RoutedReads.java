package io.replicarouter.routing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Read-only transactions through a router over stub pools, counted by the node that
 * served them, and the stub nodes to build such a router from.
 */
final class RoutedReads {

	private RoutedReads() {
	}

	/**
	 * Run read-only work on the router, each on a connection of its own.
	 * @param router the router
	 * @param reads how many
	 * @return how many each node served, by name
	 */
	static Map<String, Integer> servedBy(ReplicaRoutingDataSource router, int reads) {
		Map<String, Integer> served = new TreeMap<>();
		try {
			for (int i = 0; i < reads; i++) {
				Connection connection = router.getConnection();
				connection.setReadOnly(true);
				connection.createStatement();
				served.merge(connection.unwrap(RoutedConnection.class).node().name(), 1, Integer::sum);
				connection.close();
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return served;
	}

	/**
	 * A node whose stub pool gives a connection in auto-commit mode.
	 * @param name the name
	 * @param role the role
	 * @param zone the zone, or {@code null}
	 * @param group the replica group
	 * @return the node
	 */
	static DataSourceNode node(String name, NodeRole role, @Nullable String zone, String group) {
		DataSource pool = mock(DataSource.class);
		try {
			Connection connection = mock(Connection.class);
			given(connection.getAutoCommit()).willReturn(true);
			given(pool.getConnection()).willReturn(connection);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		return new DataSourceNode(name, role, pool, "jdbc:postgresql://" + name + "/db", 1, zone, group);
	}

}
