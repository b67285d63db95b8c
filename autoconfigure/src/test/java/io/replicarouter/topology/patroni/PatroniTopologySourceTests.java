package io.replicarouter.topology.patroni;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.DatabaseNodes;
import io.replicarouter.routing.NodeRole;
import io.replicarouter.topology.LeaderDataSource;
import io.replicarouter.topology.TopologyStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PatroniTopologySource} against an HTTP server that answers {@code GET /cluster}
 * as Patroni 3 does. The source's decisions (which members serve reads, where writes go,
 * what happens when the REST API is gone) need no database: the pools it builds are never
 * asked for a connection here. The real cluster is in the patroni-tests module.
 */
class PatroniTopologySourceTests {

	private static final String BASE_URL = "jdbc:postgresql://pg-0:5432,pg-1:5432/app?targetServerType=primary&ssl=false";

	private final AtomicReference<String> cluster = new AtomicReference<>();

	private final AtomicReference<String> authorization = new AtomicReference<>();

	private final List<String> created = new ArrayList<>();

	private HttpServer server;

	private HikariDataSource primaryPool;

	private DatabaseNodes nodes;

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		this.server.createContext("/cluster", (exchange) -> {
			this.authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
			ClusterAnswers.respond(exchange, this.cluster.get());
		});
		this.server.start();
		this.primaryPool = new HikariDataSource();
		this.primaryPool.setJdbcUrl(BASE_URL);
		this.primaryPool.setDataSource(new LeaderDataSource(BASE_URL, new Properties()));
		this.nodes = DatabaseNodes.dynamic(new DataSourceNode("primary", NodeRole.PRIMARY, this.primaryPool, BASE_URL, 1),
				List.of());
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
		this.primaryPool.close();
	}

	@Test
	void theLeaderTakesTheWritesAndTheRunningReplicasServeTheReads() {
		this.cluster.set(cluster(member("pg0", "leader", "running", 5432, ""),
				member("pg1", "replica", "running", 5433, ""), member("pg2", "sync_standby", "streaming", 5434, ""),
				member("pg3", "replica", "running", 5435, "\"tags\": {\"noloadbalance\": true}"),
				member("pg4", "replica", "starting", 5436, "")));
		PatroniTopologySource source = source(null, null);
		source.bind(this.nodes);
		assertThat(replicaNames()).containsExactly("pg1", "pg2");
		assertThat(this.nodes.replicas().get(0).maskedUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5433/app?ssl=false");
		LeaderDataSource leader = (LeaderDataSource) this.primaryPool.getDataSource();
		assertThat(leader.leader()).isEqualTo("pg0");
		assertThat(leader.maskedUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/app?ssl=false");
		TopologyStatus status = source.status();
		assertThat(status.source()).isEqualTo("patroni");
		assertThat(status.leader()).isEqualTo("pg0");
		assertThat(status.isReachable()).isTrue();
		assertThat(status.lastRefreshed()).isNotNull();
		assertThat(status.members()).hasSize(5);
		assertThat(status.members().get(3)).containsEntry("servesReads", false);
		source.close();
		assertThat(this.created).containsExactly("pg1", "pg2");
	}

	@Test
	void aSwitchoverMovesTheWritesRetiresTheNewLeaderAndTakesInTheOldOneOnceItRuns() {
		this.cluster.set(cluster(member("pg0", "leader", "running", 5432, ""),
				member("pg1", "replica", "running", 5433, "")));
		PatroniTopologySource source = source(null, null);
		source.bind(this.nodes);
		List<String> leaderChanges = new ArrayList<>();
		source.onLeaderChange(() -> leaderChanges.add("changed"));
		DataSourceNode pg1 = this.nodes.replicas().get(0);
		this.cluster.set(cluster(member("pg0", "replica", "stopped", 5432, ""),
				member("pg1", "leader", "running", 5433, "")));
		source.refresh();
		assertThat(replicaNames()).as("pg0 is not running yet, pg1 leads").isEmpty();
		assertThat(((LeaderDataSource) this.primaryPool.getDataSource()).leader()).isEqualTo("pg1");
		assertThat(leaderChanges).hasSize(1);
		assertThat(((HikariDataSource) pg1.dataSource()).isClosed()).as("no work ran on it: closed at once").isTrue();
		this.cluster.set(cluster(member("pg0", "replica", "streaming", 5432, ""),
				member("pg1", "leader", "running", 5433, "")));
		source.refresh();
		assertThat(replicaNames()).containsExactly("pg0");
		assertThat(leaderChanges).as("the same leader").hasSize(1);
		source.close();
	}

	@Test
	void aMemberThatLeavesOrIsTaggedNoloadbalanceStopsServingAndANewOneJoins() {
		this.cluster.set(cluster(member("pg0", "leader", "running", 5432, ""),
				member("pg1", "replica", "running", 5433, ""), member("pg2", "replica", "running", 5434, "")));
		PatroniTopologySource source = source(null, null);
		source.bind(this.nodes);
		this.cluster.set(cluster(member("pg0", "leader", "running", 5432, ""),
				member("pg2", "replica", "running", 5434, "\"tags\": {\"noloadbalance\": \"true\"}"),
				member("pg3", "replica", "running", 5435, "\"tags\": {\"nofailover\": true}")));
		source.refresh();
		assertThat(replicaNames()).as("nofailover members still serve reads").containsExactly("pg3");
		source.close();
	}

	@Test
	void anUnreachableRestApiKeepsTheLastTopologyAndSaysSo() {
		this.cluster.set(cluster(member("pg0", "leader", "running", 5432, ""),
				member("pg1", "replica", "running", 5433, "")));
		PatroniTopologySource source = source(null, null);
		source.bind(this.nodes);
		TopologyStatus before = source.status();
		this.cluster.set(null);
		source.refresh();
		TopologyStatus status = source.status();
		assertThat(status.isReachable()).isFalse();
		assertThat(status.problem()).contains("Patroni is unreachable").contains("HTTP 503").contains("/cluster");
		assertThat(status.lastChanged()).isEqualTo(before.lastChanged());
		assertThat(status.leader()).isEqualTo("pg0");
		assertThat(replicaNames()).containsExactly("pg1");
		this.cluster.set(cluster(member("pg0", "leader", "running", 5432, ""),
				member("pg1", "replica", "running", 5433, "")));
		source.refresh();
		assertThat(source.status().isReachable()).isTrue();
		source.close();
	}

	@Test
	void noAnswerAtStartStartsWithNoReplicasAndTheConfiguredUrl() {
		PatroniTopologySource source = new PatroniTopologySource(
				new PatroniClient(List.of(URI.create("http://127.0.0.1:1")), Duration.ofMillis(500), null, null, null),
				this::pool, BASE_URL, Duration.ofSeconds(1), Duration.ofSeconds(30), Clock.systemUTC());
		source.bind(this.nodes);
		assertThat(this.nodes.replicas()).isEmpty();
		assertThat(source.status().problem()).contains("http://127.0.0.1:1: connection refused");
		assertThat(((LeaderDataSource) this.primaryPool.getDataSource()).leader()).isNull();
		assertThat(((LeaderDataSource) this.primaryPool.getDataSource()).maskedUrl()).isEqualTo(BASE_URL);
		source.close();
	}

	@Test
	void theRestApiCredentialsGoInABasicAuthorizationHeaderAndNeverInTheStatus() {
		this.cluster.set(cluster(member("pg0", "leader", "running", 5432, "")));
		PatroniTopologySource source = source("patroni", "s3cr3t");
		source.bind(this.nodes);
		assertThat(this.authorization.get()).isEqualTo("Basic cGF0cm9uaTpzM2NyM3Q=");
		assertThat(source.status().toDetails().toString()).doesNotContain("s3cr3t");
		source.close();
	}

	@Test
	void theAddressThatAnsweredIsAskedFirstAndTheOthersInTurn() throws IOException {
		this.cluster.set(cluster(member("pg0", "leader", "running", 5432, "")));
		URI dead = URI.create("http://127.0.0.1:1");
		PatroniClient client = new PatroniClient(List.of(dead, url()), Duration.ofMillis(500), null, null, null);
		assertThat(client.members()).extracting(PatroniMember::name).containsExactly("pg0");
		this.server.stop(0);
		assertThat(org.assertj.core.api.Assertions.catchThrowable(client::members)).isInstanceOf(IOException.class)
			.hasMessageContaining("http://127.0.0.1:1: connection refused")
			.hasMessageContaining(url().toString());
	}

	private PatroniTopologySource source(String username, String password) {
		return new PatroniTopologySource(
				new PatroniClient(List.of(url()), Duration.ofSeconds(2), username, password, null), this::pool,
				BASE_URL, Duration.ofSeconds(1), Duration.ofSeconds(30), Clock.systemUTC());
	}

	private DataSource pool(String name, String url) {
		this.created.add(name);
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(name);
		pool.setJdbcUrl(url);
		return pool;
	}

	private URI url() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort());
	}

	private List<String> replicaNames() {
		return this.nodes.replicas().stream().map(DataSourceNode::name).toList();
	}

	private static String cluster(String... members) {
		return "{\"members\": [" + String.join(", ", members) + "], \"scope\": \"demo\"}";
	}

	private static String member(String name, String role, String state, int port, String extra) {
		return "{\"name\": \"" + name + "\", \"role\": \"" + role + "\", \"state\": \"" + state
				+ "\", \"api_url\": \"http://127.0.0.1:8008/patroni\", \"host\": \"127.0.0.1\", \"port\": " + port
				+ ", \"timeline\": 1, \"lag\": " + (role.equals("leader") ? "\"unknown\"" : "0")
				+ (extra.isEmpty() ? "" : ", " + extra) + "}";
	}

}
