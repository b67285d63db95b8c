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
import io.replicarouter.autoconfigure.ConsistencyProperties;
import io.replicarouter.autoconfigure.ReplicaRouterCacheProperties;
import io.replicarouter.cache.CacheCounters;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.consistency.ConsistencyScope;
import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.consistency.ConsistencyTokenStore;
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

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Page;
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

	/**
	 * What a whole cached call may take beyond the README's bound on its Redis wait, on a
	 * loaded two-core machine; the README states it.
	 */
	private static final Duration CALL_MARGIN = Duration.ofMillis(750);

	/**
	 * What a token store call may take beyond its command timeout; the README states it.
	 */
	private static final Duration STORE_CALL_MARGIN = Duration.ofMillis(250);

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
	void poisonedEntriesAreMissesReplacedWhereTheyCanBeAndLoggedOncePerCache() throws Exception {
		Items items = this.context.getBean(Items.class);
		StringRedisTemplate redis = redis();
		ListAppender<ILoggingEvent> warnings = new ListAppender<>();
		warnings.start();
		Logger logger = (Logger) LoggerFactory.getLogger("io.replicarouter.cache.UnreadableEntries");
		logger.addAppender(warnings);
		try {
			// Entries another writer left: pages in Boot's default JDK format and in Jackson's
			// bean form, a DTO of a package outside the allow-list, a JDK-format string.
			GenericJacksonJsonRedisSerializer unrestricted = GenericJacksonJsonRedisSerializer.builder()
				.enableUnsafeDefaultTyping()
				.build();
			JdkSerializationRedisSerializer jdk = new JdkSerializationRedisSerializer();
			RedisConnectionFactory factory = redis.getConnectionFactory();
			for (int i = 0; i < 5; i++) {
				PageImpl<String> old = new PageImpl<>(List.of("old"), PageRequest.of(i, 1), 9);
				write(factory, "pages::" + i, (i % 2 == 0) ? jdk.serialize(old) : unrestricted.serialize(old));
				write(factory, "prices::" + (2501 + i), unrestricted.serialize(new Money(1)));
				write(factory, "items::" + (2001 + i), jdk.serialize("old format"));
			}
			CacheCounters counters = this.context.getBean(CacheCounters.class);
			long[] hitsAfterFirstRound = new long[3];
			for (int round = 0; round < 3; round++) {
				for (int i = 0; i < 5; i++) {
					Page<Product> page = items.page(i);
					assertThat(page.getContent()).extracting(Product::id).containsExactly(i + 1);
					assertThat(page.getNumber()).isEqualTo(i);
					assertThat(page.getSize()).isEqualTo(1);
					assertThat(page.getTotalElements()).isEqualTo(100);
					assertThat(items.price(2501 + i)).isEqualTo(new Money(100));
					assertThat(items.find(2001 + i).id()).isEqualTo(2001 + i);
				}
				if (round == 0) {
					hitsAfterFirstRound = new long[] { counters.of("pages").hits(), counters.of("items").hits(),
							counters.of("prices").hits() };
				}
			}
			for (int i = 0; i < 5; i++) {
				assertThat(redis.opsForValue().get("pages::" + i)).as("the page entry replaced by a readable one")
					.startsWith("{\"@class\":\"org.springframework.data.domain.PageImpl\"")
					.contains("\"id\":" + (i + 1))
					.contains("\"total\":100");
				assertThat(redis.hasKey("prices::" + (2501 + i))).as("outside the allow-list: evicted, not cached")
					.isFalse();
				assertThat(redis.opsForValue().get("items::" + (2001 + i))).as("JDK entry replaced by JSON")
					.startsWith("{")
					.contains("\"id\":" + (2001 + i));
			}
			assertThat(hitsAfterFirstRound).as("the poisoned entries were misses").containsExactly(0, 0, 0);
			assertThat(counters.of("pages").hits()).as("later page calls are hits").isEqualTo(10);
			assertThat(counters.of("items").hits()).isEqualTo(10);
			assertThat(counters.of("prices").hits()).isZero();
			assertThat(counters.of("pages").unreadable()).isEqualTo(5);
			assertThat(counters.of("prices").unreadable()).isEqualTo(5);
			assertThat(counters.of("items").unreadable()).isEqualTo(5);
			assertThat(counters.of("pages").unwritable()).isZero();
			assertThat(counters.of("prices").unwritable()).isEqualTo(15);
			List<String> messages = warnings.list.stream()
				.filter((event) -> event.getLevel() == ch.qos.logback.classic.Level.WARN)
				.map(ILoggingEvent::getFormattedMessage)
				.toList();
			messages.forEach(System.out::println);
			assertThat(messages).filteredOn((m) -> m.contains("'pages'")).singleElement()
				.asString().contains("org.springframework.data.domain.PageImpl (Java-serialized)")
				.contains("Java serialization");
			assertThat(messages).filteredOn((m) -> m.contains("'prices'")).singleElement()
				.asString().contains(Money.class.getName()).contains("replica-router.cache.trusted-packages");
			assertThat(messages).filteredOn((m) -> m.contains("'items'")).singleElement()
				.asString().contains("java.lang.String (Java-serialized)").contains("Java serialization");
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
		// A web application this time, with the Redis token store, to measure its calls too.
		this.context.close();
		this.context = CacheShapesApplication.start(extension.cluster(), redisPort, WebApplicationType.SERVLET,
				"replica-router.consistency.store=redis");
		Items items = this.context.getBean(Items.class);
		Shapes shapes = this.context.getBean(Shapes.class);
		CircuitBreaker breaker = this.context.getBean(CircuitBreaker.class);
		// The README's bounds. A cached call waits on Redis at most failure-threshold
		// command timeouts before the circuit opens; this measures whole calls (Redis, the
		// method and its database reads, on a loaded test machine): that bound + 750 ms.
		ReplicaRouterCacheProperties cache = this.context.getBean(ReplicaRouterCacheProperties.class);
		Duration redisWait = cache.getCommandTimeout().multipliedBy(cache.getCircuitBreaker().getFailureThreshold());
		Duration bound = redisWait.plus(CALL_MARGIN);
		assertThat(bound).as("Boot's and replica-router's defaults").isEqualTo(Duration.ofMillis(1500));
		items.find(1);
		ConsistencyTokenStore store = this.context.getBean(ConsistencyTokenStore.class);
		ConsistencyToken written;
		try (ConsistencyScope.Opened scope = ConsistencyScope.open(ConsistencyToken.EMPTY, null)) {
			items.updatePrice(2999, 100);
			written = scope.scope().token();
		}
		assertThat(written.isEmpty()).as("a real write's token").isFalse();
		store.save("before-outage", written, Duration.ofSeconds(30));
		assertThat(store.load("before-outage")).as("the store reaches Redis with it").contains(written);
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
			System.out.printf("Redis stopped, %s: 200 calls, %d failed, slowest %.1f ms (bound %d ms, circuit %s)%n",
					shape.getKey(), failures, slowest / 1e6, bound.toMillis(), breaker.state());
			assertThat(failures).as(shape.getKey()).isZero();
			assertThat(Duration.ofNanos(slowest)).as(shape.getKey()).isLessThanOrEqualTo(bound);
		}
		// The token store, as auto-configured: each load or save waits at most one command
		// timeout of its own connection; measured per call: that + 250 ms.
		Duration storeBound = this.context.getBean(ConsistencyProperties.class)
			.getRedis()
			.getCommandTimeout()
			.plus(STORE_CALL_MARGIN);
		assertThat(storeBound).as("replica-router's default").isEqualTo(Duration.ofMillis(500));
		long slowest = 0;
		int waited = 0;
		for (int i = 0; i < 200; i++) {
			for (Runnable call : List.<Runnable>of(() -> store.save("before-outage", written, Duration.ofSeconds(30)),
					() -> store.load("before-outage"))) {
				long started = System.nanoTime();
				try {
					call.run();
				}
				catch (RuntimeException ex) {
					// The filter catches these and goes on without a token.
				}
				long took = System.nanoTime() - started;
				slowest = Math.max(slowest, took);
				waited += (took > 50_000_000) ? 1 : 0;
			}
		}
		RedisConsistencyTokenStore redisStore = (RedisConsistencyTokenStore) store;
		System.out.printf("Redis stopped, token store: 200 saves of a real token and 200 loads, %d waited, slowest "
				+ "%.1f ms (bound %d ms, circuit %s)%n", waited, slowest / 1e6, storeBound.toMillis(),
				redisStore.circuitBreaker().state());
		assertThat(Duration.ofNanos(slowest)).isLessThanOrEqualTo(storeBound);
		assertThat(redisStore.circuitBreaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
		assertThat(waited).as("only the calls before the circuit opened (and a trial call) wait").isLessThanOrEqualTo(6);
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
