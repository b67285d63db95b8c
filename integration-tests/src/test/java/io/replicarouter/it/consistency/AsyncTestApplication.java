package io.replicarouter.it.consistency;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.replicarouter.PrimaryRead;
import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.it.RouterTestApplication.Queries;
import io.replicarouter.it.RouterTestApplication.Read;
import io.replicarouter.it.Server;
import io.replicarouter.test.PostgresReplicationCluster;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.stereotype.Service;

/**
 * An application that hands reads to other threads: {@code @Async} methods on Boot's
 * executor, and a {@code @PrimaryRead} method that does so.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = {
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
		"org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration" })
@EnableAsync
@Import({ Queries.class, AsyncTestApplication.AsyncReads.class, AsyncTestApplication.PinnedCaller.class })
public class AsyncTestApplication {

	static ConfigurableApplicationContext start(PostgresReplicationCluster cluster, String... properties) {
		List<String> all = new ArrayList<>(RouterTestApplication.properties(cluster));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(AsyncTestApplication.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
	}

	/**
	 * Reads on the {@code @Async} executor; each answer names the thread that ran it.
	 */
	@Service
	public static class AsyncReads {

		private final Queries queries;

		AsyncReads(Queries queries) {
			this.queries = queries;
		}

		@Async
		public CompletableFuture<Read> get(int id) {
			return CompletableFuture.completedFuture(this.queries.get(id));
		}

		@Async
		public CompletableFuture<Server> readOnly() {
			return CompletableFuture.completedFuture(this.queries.readOnly());
		}

		@Async
		public CompletableFuture<Thread> thread() {
			return CompletableFuture.completedFuture(Thread.currentThread());
		}

	}

	/**
	 * Hands a read-only transaction to the {@code @Async} executor from inside a
	 * {@code @PrimaryRead} method.
	 */
	@Service
	public static class PinnedCaller {

		private final AsyncReads reads;

		PinnedCaller(AsyncReads reads) {
			this.reads = reads;
		}

		@PrimaryRead
		public Server readOnlyElsewhere() {
			return this.reads.readOnly().join();
		}

	}

}
