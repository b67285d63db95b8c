package io.replicarouter.it.consistency;

import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.replicarouter.consistency.ReadYourWrites;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.it.RouterTestApplication.Read;
import io.replicarouter.it.Server;
import io.replicarouter.it.consistency.AsyncTestApplication.AsyncReads;
import io.replicarouter.it.consistency.AsyncTestApplication.PinnedCaller;
import io.replicarouter.test.PostgresNode;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.task.AsyncTaskExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Work handed to Boot's task executor reads the caller's writes and keeps its
 * {@code @PrimaryRead} pin, while its read-only work without either still runs on a
 * replica. Both replicas replay a second late, so a read that finds a row just written ran
 * where the write is visible. Each test runs on platform threads (Boot's default) and on
 * virtual threads ({@code spring.threads.virtual.enabled=true}): that is an application's
 * own choice, covered here, not something the starter needs.
 */
class AsyncReadYourWritesIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private static final AtomicInteger keys = new AtomicInteger();

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void createTable() throws SQLException {
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("create table kv (id int primary key, v bigint not null)");
		}
		extension.cluster().awaitReplication();
		for (PostgresNode replica : extension.cluster().replicas()) {
			replica.setReplayDelay(Duration.ofSeconds(1));
		}
	}

	@AfterAll
	static void clearDelays() {
		for (PostgresNode replica : extension.cluster().replicas()) {
			replica.clearReplayDelay();
		}
	}

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	@ParameterizedTest(name = "virtual threads: {0}")
	@ValueSource(booleans = { false, true })
	void anAsyncMethodReadsTheCallersWrite(boolean virtualThreads) {
		start(virtualThreads);
		ReadYourWrites.runWithToken(null, () -> {
			int key = keys.incrementAndGet();
			bean(Queries.class).put(key, 42);
			Read read = bean(AsyncReads.class).get(key).join();
			assertThat(read.value()).as("the caller's write").isEqualTo(42);
		});
	}

	@ParameterizedTest(name = "virtual threads: {0}")
	@ValueSource(booleans = { false, true })
	void aCompletableFutureOnTheApplicationTaskExecutorReadsTheCallersWrite(boolean virtualThreads) {
		start(virtualThreads);
		AsyncTaskExecutor executor = this.context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
		ReadYourWrites.runWithToken(null, () -> {
			int key = keys.incrementAndGet();
			bean(Queries.class).put(key, 43);
			Read read = CompletableFuture.supplyAsync(() -> bean(Queries.class).get(key), executor).join();
			assertThat(read.value()).as("the caller's write").isEqualTo(43);
		});
	}

	@ParameterizedTest(name = "virtual threads: {0}")
	@ValueSource(booleans = { false, true })
	void readOnlyWorkWithoutAWriteRunsOnAReplica(boolean virtualThreads) {
		start(virtualThreads);
		AsyncTaskExecutor executor = this.context.getBean("applicationTaskExecutor", AsyncTaskExecutor.class);
		ReadYourWrites.runWithToken(null, () -> {
			assertThat(bean(AsyncReads.class).readOnly().join().inRecovery()).as("@Async").isTrue();
			assertThat(CompletableFuture.supplyAsync(() -> bean(Queries.class).readOnly(), executor).join().inRecovery())
				.as("CompletableFuture")
				.isTrue();
		});
	}

	@ParameterizedTest(name = "virtual threads: {0}")
	@ValueSource(booleans = { false, true })
	void aPrimaryReadPinCarriesOver(boolean virtualThreads) {
		start(virtualThreads);
		ReadYourWrites.runWithToken(null, () -> {
			Server server = bean(PinnedCaller.class).readOnlyElsewhere();
			assertThat(server.inRecovery()).isFalse();
			assertThat(server.port()).isEqualTo(extension.cluster().primary().port());
		});
	}

	@Test
	void theCommonPoolDoesNotCarryTheScope() {
		start(false);
		ReadYourWrites.runWithToken(null, () -> {
			int key = keys.incrementAndGet();
			bean(Queries.class).put(key, 44);
			Read read = CompletableFuture.supplyAsync(() -> bean(Queries.class).get(key)).join();
			assertThat(read.server().inRecovery()).as("a replica, a second behind").isTrue();
			assertThat(read.value()).as("what the README says: no scope without a Spring executor").isEqualTo(-1);
		});
	}

	private void start(boolean virtualThreads) {
		if (!virtualThreads) {
			this.context = AsyncTestApplication.start(extension.cluster());
			return;
		}
		assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21");
		this.context = AsyncTestApplication.start(extension.cluster(), "spring.threads.virtual.enabled=true");
		Thread thread = bean(AsyncReads.class).thread().join();
		assertThat(isVirtual(thread)).as("@Async runs on a virtual thread").isTrue();
	}

	private <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	private static boolean isVirtual(Thread thread) {
		try {
			Method isVirtual = Thread.class.getMethod("isVirtual");
			return (boolean) isVirtual.invoke(thread);
		}
		catch (ReflectiveOperationException ex) {
			return false;
		}
	}

}
