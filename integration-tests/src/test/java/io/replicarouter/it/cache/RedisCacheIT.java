package io.replicarouter.it.cache;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.replicarouter.cache.CacheCounters;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.it.cache.CacheTestApplication.Products;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.embedded.RedisServer;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The Redis cache layer against a real Redis server and a real primary with two replicas:
 * TTLs and JSON in Redis, evictions after commit only, fail-open while Redis is down, and
 * no refill from replicas behind the evicting write.
 */
class RedisCacheIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private static int redisPort;

	private static RedisServer redis;

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void setUp() throws Exception {
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("create table product (id int primary key, name text not null, price bigint not null)");
			statement.execute("insert into product select i, 'product ' || i, 100 from generate_series(1, 50) i");
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
		this.context = CacheTestApplication.start(extension.cluster(), redisPort);
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
	void entriesAreJsonWithTheConfiguredTimeToLive() {
		Products products = products();
		Product product = products.find(1);
		Product sync = products.findSync(1);
		StringRedisTemplate redis = redis();
		String json = redis.opsForValue().get("products::1");
		assertThat(json).startsWith("{").contains("\"name\":\"product 1\"").contains("\"price\":100")
			.contains(Product.class.getName());
		assertThat(redis.getExpire("products::1", TimeUnit.SECONDS)).isBetween(100L, 120L);
		assertThat(redis.getExpire("products-sync::1", TimeUnit.SECONDS)).isBetween(280L, 300L);
		assertThat(products.find(1)).isEqualTo(product);
		assertThat(products.findSync(1)).isEqualTo(sync);
		assertThat(statistics().of("products").hits()).isEqualTo(1);
		io.micrometer.core.instrument.MeterRegistry meters = this.context
			.getBean(io.micrometer.core.instrument.MeterRegistry.class);
		assertThat(meters.find("replica.router.cache.gets").tag("cache", "products").tag("result", "hit")
			.functionCounter().count()).isEqualTo(1);
		assertThat(meters.find("replica.router.cache.gets").tag("cache", "products").tag("result", "miss")
			.functionCounter().count()).isEqualTo(1);
		assertThat(meters.find("replica.router.cache.errors").tag("cache", "products").functionCounter()).isNotNull();
		assertThat(meters.find("replica.router.cache.circuit").gauge().value()).isZero();
	}

	@Test
	void rollbackLeavesTheCacheAloneAndCommitEvicts() {
		Products products = products();
		products.find(2);
		assertThatIllegalStateException().isThrownBy(() -> products.updatePriceThenFail(2, 999));
		assertThat(redis().hasKey("products::2")).as("rolled back: still cached").isTrue();
		assertThat(products.find(2).price()).isEqualTo(100);
		products.updatePrice(2, 150);
		assertThat(redis().hasKey("products::2")).as("committed: evicted").isFalse();
		assertThat(products.find(2).price()).as("read your own write").isEqualTo(150);
	}

	@Test
	void redisGoingDownFailsNoCallAddsLittleLatencyAndCachingResumes() throws Exception {
		Products products = products();
		CircuitBreaker breaker = this.context.getBean(CircuitBreaker.class);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		ExecutorService readers = Executors.newFixedThreadPool(8);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			int offset = t;
			workers.add(readers.submit(() -> {
				int i = offset;
				while (running.get()) {
					try {
						products.find(10 + (i++ % 20));
						products.findSync(10 + (i % 20));
						calls.incrementAndGet();
					}
					catch (RuntimeException ex) {
						failures.incrementAndGet();
						ex.printStackTrace();
					}
				}
			}));
		}
		Thread.sleep(1000);
		redis.stop();
		await(Duration.ofSeconds(5), () -> breaker.state() == CircuitBreaker.State.OPEN);
		Thread.sleep(500);
		running.set(false);
		for (Future<?> worker : workers) {
			worker.get(10, TimeUnit.SECONDS);
		}
		readers.shutdown();
		assertThat(failures.get()).as("failed calls of %d", calls.get()).isZero();

		// Added latency while open: cached call against the same read without the cache.
		long cached = averageNanos(() -> products.find(42));
		long plain = averageNanos(() -> products.findUncached(42));
		System.out.printf("while the circuit is open: cached call %.3f ms, plain read %.3f ms%n", cached / 1e6,
				plain / 1e6);
		assertThat(Duration.ofNanos(cached - plain)).isLessThan(Duration.ofMillis(3));

		redis = startRedis();
		long hitsBefore = statistics().of("products").hits();
		await(Duration.ofSeconds(10), () -> {
			products.find(43);
			return statistics().of("products").hits() > hitsBefore;
		});
		assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
	}

	@Test
	void cacheIsNeverRefilledWithDataOlderThanTheWriteThatEvictedIt() throws Exception {
		Observed observed = updateWhileAnotherThreadReads();
		assertThat(observed.staleCachedAfterCommit()).as("old value cached after the update committed").isZero();
		assertThat(observed.freshCached()).as("the new value is cached once replicas caught up").isTrue();
	}

	@Test
	void withoutTheGuardAStaleValueIsCached() throws Exception {
		this.context.close();
		this.context = CacheTestApplication.start(extension.cluster(), redisPort, "replica-router.cache.guard-refills=false");
		Observed observed = updateWhileAnotherThreadReads();
		assertThat(observed.staleCachedAfterCommit()).as("the harness can see a stale refill").isPositive();
	}

	/**
	 * With both replicas 1.5 s behind, update a product (evicting it) while another thread,
	 * with no read-your-writes token, keeps reading it through the cache; watch what Redis
	 * holds after the update committed.
	 */
	private Observed updateWhileAnotherThreadReads() throws Exception {
		Products products = products();
		StringRedisTemplate redis = redis();
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("update product set price = 100 where id = 5");
		}
		extension.cluster().awaitReplication();
		redis.delete("products::5");
		for (PostgresNode replica : extension.cluster().replicas()) {
			replica.setReplayDelay(Duration.ofMillis(1500));
		}
		products.find(5);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong committedAt = new AtomicLong(Long.MAX_VALUE);
		ExecutorService reader = Executors.newSingleThreadExecutor();
		java.util.Set<String> readerSaw = java.util.concurrent.ConcurrentHashMap.newKeySet();
		Future<?> reads = reader.submit(() -> {
			while (running.get()) {
				Product read = products.find(5);
				readerSaw.add(read.price() + "@" + read.readFrom());
				Thread.sleep(10);
			}
			return null;
		});
		long price = 1000 + System.nanoTime() % 1000;
		products.updatePrice(5, price);
		committedAt.set(System.nanoTime());
		int staleCached = 0;
		boolean freshCached = false;
		java.util.Set<String> seen = new java.util.LinkedHashSet<>();
		long deadline = System.nanoTime() + Duration.ofSeconds(4).toNanos();
		while (System.nanoTime() < deadline) {
			String json = redis.opsForValue().get("products::5");
			if (json != null && json.contains("\"price\":100,")) {
				staleCached++;
			}
			if (json != null && json.contains("\"price\":" + price)) {
				freshCached = true;
			}
			seen.add(String.valueOf(json));
			Thread.sleep(10);
		}
		running.set(false);
		reads.get(10, TimeUnit.SECONDS);
		reader.shutdown();
		System.out.println("cache contents seen after the update committed: " + seen + "; reader saw " + readerSaw
				+ "; nodes " + extension.cluster().nodes().stream().map((n) -> n.name() + "@" + n.port()).toList());
		return new Observed(staleCached, freshCached);
	}

	record Observed(int staleCachedAfterCommit, boolean freshCached) {
	}

	private Products products() {
		return this.context.getBean(Products.class);
	}

	private CacheCounters statistics() {
		return this.context.getBean(CacheCounters.class);
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

	private static long averageNanos(Runnable call) {
		for (int i = 0; i < 50; i++) {
			call.run();
		}
		long started = System.nanoTime();
		for (int i = 0; i < 200; i++) {
			call.run();
		}
		return (System.nanoTime() - started) / 200;
	}

	private static void await(Duration timeout, java.util.concurrent.Callable<Boolean> condition) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.call()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Condition not met within " + timeout);
			}
			Thread.sleep(20);
		}
	}

}
