package io.replicarouter.it.cache;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.replicarouter.cache.BoundedRedisConnection;
import io.replicarouter.cache.CacheCounters;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.consistency.redis.RedisConsistencyTokenStore;
import io.replicarouter.it.cache.CacheShapesApplication.Items;
import io.replicarouter.it.cache.CacheShapesApplication.Shapes;
import io.replicarouter.it.shared.Money;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache layer in every call shape, against a real Redis and a primary with two real
 * streaming replicas, under Boot's defaults: no stale refill with replicas 2 s behind,
 * unreadable entries treated as misses, Redis stopped for real. Virtual threads:
 * {@link VirtualThreadsCacheIT}.
 */
class CacheShapesIT {

	private static final int PAIRS = 200;

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private static int redisPort;

	private static RedisServer redis;

	private ConfigurableApplicationContext context;

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
		redis = startRedis();
	}

	@AfterAll
	static void tearDown() throws IOException {
		redis.stop();
	}

	@BeforeEach
	void startApplication() {
		this.context = CacheShapesApplication.start(extension.cluster(), redisPort);
		redis().getConnectionFactory().getConnection().serverCommands().flushAll();
	}

	@AfterEach
	void stopApplication() throws IOException {
		this.context.close();
		extension.cluster().heal();
		if (!redis.isActive()) {
			redis = startRedis();
		}
	}

	@Test
	void noShapeLeavesAPreUpdateValueInRedisWithReplicasTwoSecondsBehind() throws Exception {
		Items items = this.context.getBean(Items.class);
		Shapes shapes = this.context.getBean(Shapes.class);
		for (PostgresNode replica : extension.cluster().replicas()) {
			replica.setReplayDelay(Duration.ofSeconds(2));
		}
		Map<String, int[]> results = new HashMap<>();
		results.put("one miss", run(1, (id) -> List.of(items.find(id)), "items::"));
		results.put("two misses in one transaction",
				run(1001, (id) -> shapes.twoInOneTransaction(id, id + 500), "items::"));
		results.put("nested cached methods", run(401, (id) -> List.of(shapes.outer(id)), "outer::", "items::"));
		results.put("sync = true", run(601, (id) -> List.of(items.findSync(id)), "items-sync::"));
		results.put("CompletableFuture",
				run(801, (id) -> List.of(items.findAsync(id).get(10, TimeUnit.SECONDS)), "items-async::"));
		results.forEach((shape, counts) -> System.out.printf(
				"%s: %d update/read pairs, %d reads saw the pre-update value (from a lagging replica), "
						+ "%d pre-update values left in Redis, %d refills refused%n",
				shape, PAIRS, counts[0], counts[1], counts[2]));
		results.forEach((shape, counts) -> {
			assertThat(counts[1]).as("%s: pre-update values left in Redis", shape).isZero();
			assertThat(counts[0]).as("%s: reads that saw the old value (the harness reaches lagging replicas)", shape)
				.isGreaterThan(PAIRS * 3 / 4);
		});
	}

	/**
	 * Update/read pairs: update an item (evicting it), then read it from a thread with no
	 * read-your-writes token, so the read goes to a replica 2 s behind; then look in Redis.
	 * @return reads that saw the old price, old prices found in Redis, refused refills
	 */
	private int[] run(int firstId, ThrowingFunction shape, String... prefixes) throws Exception {
		Items items = this.context.getBean(Items.class);
		StringRedisTemplate redis = redis();
		CacheCounters counters = this.context.getBean(CacheCounters.class);
		long refusedBefore = refused(counters);
		ExecutorService reader = Executors.newSingleThreadExecutor();
		int staleReads = 0;
		int staleCached = 0;
		try {
			for (int pair = 0; pair < PAIRS; pair++) {
				int id = firstId + (pair % 100);
				long price = 1_000_000L + pair;
				items.updatePrice(id, price);
				if (prefixes[0].equals("items::") && firstId == 1001) {
					items.updatePrice(id + 500, price);
				}
				List<Product> read = reader.submit(() -> shape.apply(id)).get(30, TimeUnit.SECONDS);
				if (read.get(0).price() != price) {
					staleReads++;
				}
				for (String prefix : prefixes) {
					for (int key : (firstId == 1001) ? new int[] { id, id + 500 } : new int[] { id }) {
						String json = redis.opsForValue().get(prefix + key);
						if (json != null && !json.contains("\"price\":" + price + ",")) {
							staleCached++;
							System.out.println("stale value in Redis at " + prefix + key + ": " + json);
						}
					}
				}
			}
		}
		finally {
			reader.shutdown();
		}
		return new int[] { staleReads, staleCached, (int) (refused(counters) - refusedBefore) };
	}

	private static long refused(CacheCounters counters) {
		return List.of("items", "items-sync", "items-async", "outer")
			.stream()
			.mapToLong((name) -> counters.of(name).refusedRefills())
			.sum();
	}

	@FunctionalInterface
	interface ThrowingFunction {

		List<Product> apply(int id) throws Exception;

	}

	@Test
	void unreadableEntriesAreMissesEvictedReplacedAndLoggedOncePerCache() throws Exception {
		Items items = this.context.getBean(Items.class);
		StringRedisTemplate redis = redis();
		ListAppender<ILoggingEvent> warnings = new ListAppender<>();
		warnings.start();
		Logger logger = (Logger) LoggerFactory.getLogger("io.replicarouter.cache.UnreadableEntries");
		logger.addAppender(warnings);
		try {
			// Entries another writer left: a Page and a DTO of a package outside the
			// allow-list (JSON with their class names), and Boot's default JDK format.
			GenericJacksonJsonRedisSerializer unrestricted = GenericJacksonJsonRedisSerializer.builder()
				.enableUnsafeDefaultTyping()
				.build();
			RedisConnectionFactory factory = redis.getConnectionFactory();
			for (int i = 0; i < 5; i++) {
				write(factory, "pages::" + i, unrestricted.serialize(new PageImpl<>(List.of("x"), PageRequest.of(i, 1), 9)));
				write(factory, "prices::" + (2501 + i), unrestricted.serialize(new Money(1)));
				write(factory, "items::" + (2001 + i), new JdkSerializationRedisSerializer().serialize("old format"));
			}
			for (int round = 0; round < 3; round++) {
				for (int i = 0; i < 5; i++) {
					assertThat(items.page(i).getContent().get(0).id()).isEqualTo(i + 1);
					assertThat(items.price(2501 + i)).isEqualTo(new Money(100));
					assertThat(items.find(2001 + i).id()).isEqualTo(2001 + i);
				}
			}
			for (int i = 0; i < 5; i++) {
				assertThat(redis.hasKey("pages::" + i)).as("a Page cannot be read back: not cached").isFalse();
				assertThat(redis.hasKey("prices::" + (2501 + i))).as("outside the allow-list: not cached").isFalse();
				assertThat(redis.opsForValue().get("items::" + (2001 + i))).as("JDK entry replaced by JSON")
					.startsWith("{")
					.contains("\"id\":" + (2001 + i));
			}
			CacheCounters counters = this.context.getBean(CacheCounters.class);
			assertThat(counters.of("pages").unreadable()).isEqualTo(5);
			assertThat(counters.of("prices").unreadable()).isEqualTo(5);
			assertThat(counters.of("items").unreadable()).isEqualTo(5);
			assertThat(counters.of("pages").unwritable()).isEqualTo(15);
			List<String> messages = warnings.list.stream()
				.filter((event) -> event.getLevel() == ch.qos.logback.classic.Level.WARN)
				.map(ILoggingEvent::getFormattedMessage)
				.toList();
			messages.forEach(System.out::println);
			assertThat(messages).filteredOn((m) -> m.contains("'pages' holds")).singleElement()
				.asString().contains("org.springframework.data.domain.PageImpl").contains("record");
			assertThat(messages).filteredOn((m) -> m.contains("'prices' holds")).singleElement()
				.asString().contains(Money.class.getName()).contains("trusted-packages");
			assertThat(messages).filteredOn((m) -> m.contains("'items' holds")).singleElement()
				.asString().contains("Java-serialized").contains("Java serialization");
			assertThat(messages).filteredOn((m) -> m.contains("'pages' was given")).hasSize(1);
			assertThat(messages).filteredOn((m) -> m.contains("'prices' was given")).hasSize(1);
		}
		finally {
			logger.detachAppender(warnings);
		}
	}

	private static void write(RedisConnectionFactory factory, String key, byte[] value) {
		try (var connection = factory.getConnection()) {
			connection.stringCommands().set(key.getBytes(), value);
		}
	}

	@Test
	void redisStoppedFailsNoCallWithinTheBoundAndHitsResume() throws Exception {
		Items items = this.context.getBean(Items.class);
		Shapes shapes = this.context.getBean(Shapes.class);
		CircuitBreaker breaker = this.context.getBean(CircuitBreaker.class);
		// The documented bound under Boot's and replica-router's defaults: a call meets at most
		// failure-threshold (3) Redis timeouts of command-timeout (250 ms) before the circuit
		// opens; the margin is for a loaded machine.
		Duration bound = Duration.ofMillis(3 * 250 + 750);
		items.find(1);
		redis.stop();
		Map<String, Callable<?>> shapeCalls = new java.util.LinkedHashMap<>();
		int[] next = { 0 };
		shapeCalls.put("one miss", () -> items.find(1 + next[0] % 50));
		shapeCalls.put("two misses in one transaction", () -> shapes.twoInOneTransaction(60, 61 + next[0] % 50));
		shapeCalls.put("nested", () -> shapes.outer(200 + next[0] % 50));
		shapeCalls.put("sync", () -> items.findSync(300 + next[0] % 50));
		shapeCalls.put("CompletableFuture", () -> items.findAsync(400 + next[0] % 50).get(10, TimeUnit.SECONDS));
		for (Map.Entry<String, Callable<?>> shape : shapeCalls.entrySet()) {
			int failures = 0;
			long slowest = 0;
			for (int i = 0; i < 200; i++) {
				next[0] = i;
				long started = System.nanoTime();
				try {
					assertThat(shape.getValue().call()).isNotNull();
				}
				catch (Exception ex) {
					failures++;
					ex.printStackTrace();
				}
				slowest = Math.max(slowest, System.nanoTime() - started);
			}
			System.out.printf("Redis stopped, %s: 200 calls, %d failed, slowest %.1f ms (circuit %s)%n", shape.getKey(),
					failures, slowest / 1e6, breaker.state());
			assertThat(failures).as(shape.getKey()).isZero();
			assertThat(Duration.ofNanos(slowest)).as(shape.getKey()).isLessThan(bound);
		}
		// The token store: its own connection with a 250 ms timeout and its own breaker.
		BoundedRedisConnection connection = new BoundedRedisConnection(
				this.context.getBean(RedisConnectionFactory.class), Duration.ofMillis(250));
		try {
			StringRedisTemplate template = new StringRedisTemplate(connection.connectionFactory());
			template.afterPropertiesSet();
			RedisConsistencyTokenStore store = new RedisConsistencyTokenStore(template, "t:");
			long slowest = 0;
			for (int i = 0; i < 200; i++) {
				long started = System.nanoTime();
				try {
					store.load("user" + i);
					store.save("user" + i, ConsistencyToken.EMPTY, Duration.ofSeconds(5));
				}
				catch (RuntimeException ex) {
					// The filter catches these and goes on without a token.
				}
				slowest = Math.max(slowest, System.nanoTime() - started);
			}
			System.out.printf("Redis stopped, token store: 200 load+save, slowest %.1f ms (circuit %s)%n", slowest / 1e6,
					store.circuitBreaker().state());
			assertThat(Duration.ofNanos(slowest)).isLessThan(bound);
			assertThat(store.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
		}
		finally {
			connection.destroy();
		}
		redis = startRedis();
		long restarted = System.nanoTime();
		CacheCounters counters = this.context.getBean(CacheCounters.class);
		long hitsBefore = counters.of("items").hits();
		Duration resumeBound = Duration.ofSeconds(35);
		while (counters.of("items").hits() <= hitsBefore) {
			items.find(2);
			assertThat(Duration.ofNanos(System.nanoTime() - restarted)).as("hits resume").isLessThan(resumeBound);
			Thread.sleep(50);
		}
		System.out.printf("Redis back: hits resumed after %.1f s%n", (System.nanoTime() - restarted) / 1e9);
	}

	private StringRedisTemplate redis() {
		return this.context.getBean(StringRedisTemplate.class);
	}

	private static RedisServer startRedis() throws IOException {
		RedisServer server = RedisServer.newRedisServer()
			.bind("127.0.0.1")
			.port(redisPort)
			.setting("save \"\"")
			.setting("appendonly no")
			.build();
		server.start();
		return server;
	}

}
