package io.replicarouter.it.consistency;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.replicarouter.WalPosition;
import io.replicarouter.consistency.ConsistencyToken;
import io.replicarouter.consistency.redis.RedisConsistencyTokenStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.embedded.RedisServer;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Redis token store against a real Redis server: saves merge with what is stored, so
 * concurrent saves for one key (one user served by two instances at once) never move it
 * back to an older WAL position.
 */
class RedisConsistencyTokenStoreIT {

	private static RedisServer redis;

	private static LettuceConnectionFactory connections;

	private static RedisConsistencyTokenStore store;

	private static StringRedisTemplate template;

	@BeforeAll
	static void startRedis() throws IOException {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		redis = RedisServer.newRedisServer().bind("127.0.0.1").port(port).setting("save \"\"").build();
		redis.start();
		connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
		connections.afterPropertiesSet();
		connections.start();
		template = new StringRedisTemplate(connections);
		store = new RedisConsistencyTokenStore(template, "test:");
	}

	@AfterAll
	static void stopRedis() throws IOException {
		if (connections != null) {
			connections.destroy();
		}
		if (redis != null) {
			redis.stop();
		}
	}

	@Test
	void saveKeepsTheNewerPositionAndTheLaterWriteTime() {
		store.save("user-1", token(0x2_0000_0100L, 2_000), Duration.ofSeconds(30));
		store.save("user-1", token(0x90, 1_000), Duration.ofSeconds(30));
		assertThat(store.load("user-1")).contains(token(0x2_0000_0100L, 2_000));
		store.save("user-1", token(0x50, 3_000), Duration.ofSeconds(30));
		assertThat(store.load("user-1")).contains(token(0x2_0000_0100L, 3_000));
		store.save("user-1", token(0x2_0000_0200L, 2_500), Duration.ofSeconds(30));
		assertThat(store.load("user-1")).contains(token(0x2_0000_0200L, 3_000));
	}

	@Test
	void positionsBeyondWhatADoubleHoldsExactlyCompareExactly() {
		long large = (1L << 60) + 1;
		store.save("user-2", token(large, 1_000), Duration.ofSeconds(30));
		store.save("user-2", token(1L << 60, 1_000), Duration.ofSeconds(30));
		assertThat(store.load("user-2")).contains(token(large, 1_000));
	}

	@Test
	void anUnknownPositionWinsTheMergeEitherWay() {
		store.save("user-5", token(0x100, 1_000), Duration.ofSeconds(30));
		store.save("user-5", token(-1, 2_000), Duration.ofSeconds(30));
		assertThat(store.load("user-5")).contains(token(-1, 2_000));
		store.save("user-5", token(0x300, 3_000), Duration.ofSeconds(30));
		assertThat(store.load("user-5")).contains(token(-1, 3_000));
	}

	@Test
	void anEmptyTokenLeavesTheStoredOneAlone() {
		store.save("user-3", token(0x100, 1_000), Duration.ofSeconds(30));
		store.save("user-3", ConsistencyToken.EMPTY, Duration.ofSeconds(30));
		assertThat(store.load("user-3")).contains(token(0x100, 1_000));
	}

	@Test
	void tokensExpireWithTheirLifetime() throws InterruptedException {
		store.save("user-4", token(0x100, 1_000), Duration.ofMillis(200));
		assertThat(template.getExpire("test:user-4")).isNotNegative();
		Thread.sleep(400);
		assertThat(store.load("user-4")).isEmpty();
	}

	@Test
	void concurrentSavesEndWithTheLargestPosition() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(8);
		List<Future<?>> saves = new ArrayList<>();
		for (int i = 1; i <= 400; i++) {
			long lsn = i;
			saves.add(threads.submit(() -> store.save("user-5", token(lsn, 1_000 + lsn),
					Duration.ofSeconds(30))));
		}
		for (Future<?> save : saves) {
			save.get();
		}
		threads.shutdown();
		assertThat(store.load("user-5")).contains(token(400, 1_400));
	}

	private static ConsistencyToken token(long lsn, long writtenAt) {
		return new ConsistencyToken((lsn < 0) ? WalPosition.UNKNOWN : WalPosition.of(lsn), writtenAt);
	}

}
