package io.replicarouter.it.cache;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.replicarouter.it.cache.CacheShapesApplication.Items;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.embedded.RedisServer;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 1,000 concurrent cache misses on virtual threads, half of them {@code sync = true}: no
 * load waits on a carrier-pinning monitor. Virtual threads exist from Java 21 on: on 17 this
 * is reported skipped, and .ci/run runs it on a JDK 21+ when the machine has one.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsCacheIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private static RedisServer redis;

	private static int redisPort;

	@BeforeAll
	static void setUp() throws Exception {
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("create table item (id int primary key, name text not null, price bigint not null)");
			statement.execute("insert into item select i, 'item ' || i, 100 from generate_series(1, 3000) i");
		}
		extension.cluster().awaitReplication();
		try (ServerSocket socket = new ServerSocket(0)) {
			redisPort = socket.getLocalPort();
		}
		redis = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(redisPort)
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		redis.start();
	}

	@AfterAll
	static void tearDown() throws IOException {
		redis.stop();
	}

	@Test
	void aThousandConcurrentMissesComplete() throws Exception {
		try (ConfigurableApplicationContext context = CacheShapesApplication.start(extension.cluster(), redisPort)) {
			Items items = context.getBean(Items.class);
			// Compiled for Java 17: reach the Java 21 API by reflection.
			Method factory = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
			long started = System.nanoTime();
			ExecutorService executor = (ExecutorService) factory.invoke(null);
			try {
				List<Future<Product>> calls = new ArrayList<>();
				for (int i = 0; i < 1000; i++) {
					int id = 1001 + i;
					calls.add(executor.submit(() -> (id % 2 == 0) ? items.findSync(id) : items.find(id)));
				}
				for (int i = 0; i < calls.size(); i++) {
					assertThat(calls.get(i).get(60, TimeUnit.SECONDS).id()).isEqualTo(1001 + i);
				}
			}
			finally {
				executor.shutdown();
			}
			System.out.printf("1000 concurrent misses on virtual threads (Java %s): %.1f s%n",
					Runtime.version().feature(), (System.nanoTime() - started) / 1e9);
		}
	}

}
