package io.replicarouter.it.jpa;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
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
import java.util.function.Supplier;

import io.replicarouter.it.RouterTestApplication;
import io.replicarouter.replica.NodeHealth;
import io.replicarouter.replica.NodeState;
import io.replicarouter.replica.ReplicaHealthMonitor;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import io.replicarouter.test.PostgresReplicationClusterExtension;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManagerFactory;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.jpa.repository.config.EnableJpaRepositories;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.orm.jpa.support.OpenEntityManagerInViewInterceptor;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.context.request.ServletWebRequest;
import org.springframework.web.context.request.WebRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Data repository methods called directly (no service transaction around them)
 * start their own read-only transactions on a replica. When that replica is killed under
 * read load, they must run again on the other replica, like {@code @Transactional(readOnly
 * = true)} methods of application beans: no caller sees an error, none lands on the
 * primary.
 */
class RepositoryReadRetryIT {

	@RegisterExtension
	static final PostgresReplicationClusterExtension extension = PostgresReplicationClusterExtension.withReplicas(2);

	private static final int THREADS = 8;

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void createView() throws SQLException {
		try (Connection connection = extension.cluster().primary().connect();
				Statement statement = connection.createStatement()) {
			statement.execute("create view served_by as select 1 as id, inet_server_port() as port, "
					+ "pg_is_in_recovery() as replica");
		}
		extension.cluster().awaitReplication();
	}

	@AfterEach
	void restore() {
		if (this.context != null) {
			this.context.close();
		}
		extension.cluster().heal();
	}

	@Test
	void repositoryReadsThatLoseTheirReplicaRunAgainOnTheOtherReplica() throws Exception {
		this.context = start();
		ServedByRepository repository = this.context.getBean(ServedByRepository.class);
		ReplicaHealthMonitor monitor = this.context.getBean(ReplicaHealthMonitor.class);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger reads = new AtomicInteger();
		AtomicInteger onPrimary = new AtomicInteger();
		List<Throwable> failures = new ArrayList<>();
		ExecutorService readers = Executors.newFixedThreadPool(THREADS);
		for (int i = 0; i < THREADS; i++) {
			boolean derivedQuery = (i % 2 == 0);
			readers.submit(() -> {
				while (running.get()) {
					try {
						ServedBy servedBy = derivedQuery ? repository.findByIdGreaterThanEqual(1).get(0)
								: repository.findById(1).orElseThrow();
						if (!servedBy.replica) {
							onPrimary.incrementAndGet();
						}
						reads.incrementAndGet();
					}
					catch (RuntimeException ex) {
						synchronized (failures) {
							if (failures.isEmpty()) {
								ex.printStackTrace(System.out);
							}
							failures.add(ex);
						}
					}
				}
			});
		}
		try {
			Thread.sleep(1500);
			extension.cluster().replica(0).kill();
			long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
			while (state(monitor, "replica-1") != NodeState.DOWN) {
				assertThat(System.nanoTime()).as("replica-1 out of rotation within 5 s").isLessThan(deadline);
				Thread.sleep(20);
			}
			Thread.sleep(1000);
		}
		finally {
			running.set(false);
			readers.shutdown();
			readers.awaitTermination(10, TimeUnit.SECONDS);
		}
		long retries = this.context.getBean(ReplicaRoutingDataSource.class).getStatistics().transactionRetries();
		System.out.println("repository reads: " + reads.get() + ", on the primary: " + onPrimary.get()
				+ ", run again: " + retries + ", failed: " + failures.size());
		// Whether a read was caught in a statement (run again) or at commit (ends quietly)
		// depends on timing; either way none may fail or fall to the primary.
		assertThat(failures).as("repository reads that failed (%d reads)", reads.get()).isEmpty();
		assertThat(onPrimary.get()).as("repository reads served by the primary").isZero();
	}

	@Test
	void repositoryQueryRunningOnAKilledReplicaRunsAgainOnTheOtherOne() throws Exception {
		this.context = start();
		ServedByRepository repository = this.context.getBean(ServedByRepository.class);
		ExecutorService callers = Executors.newFixedThreadPool(2);
		try {
			// Round robin: one slow query on each replica.
			List<Future<ServedBy>> calls = new ArrayList<>();
			for (int i = 0; i < 2; i++) {
				calls.add(callers.submit(repository::slowly));
				Thread.sleep(50);
			}
			Thread.sleep(300);
			extension.cluster().replica(0).kill();
			for (Future<ServedBy> call : calls) {
				ServedBy servedBy = call.get(20, TimeUnit.SECONDS);
				assertThat(servedBy.replica).isTrue();
				assertThat(servedBy.port).isEqualTo(extension.cluster().replica(1).port());
			}
		}
		finally {
			callers.shutdownNow();
		}
		assertThat(this.context.getBean(ReplicaRoutingDataSource.class).getStatistics().transactionRetries())
			.as("the query that lost replica-1 ran again")
			.isEqualTo(1);
	}

	@Test
	void underOpenInViewAQueryRunningOnAKilledReplicaRunsAgainOnTheOtherOne() throws Exception {
		// Open-in-view (Boot's default in web apps) holds one EntityManager, and so one JDBC
		// handle, for the whole request; each of its transactions, the run again included,
		// must get a connection of its own.
		this.context = start();
		ServedByRepository repository = this.context.getBean(ServedByRepository.class);
		EntityManagerFactory entityManagerFactory = this.context.getBean(EntityManagerFactory.class);
		ExecutorService caller = Executors.newSingleThreadExecutor();
		try {
			Future<ServedBy> call = caller.submit(() -> inView(entityManagerFactory, () -> {
				repository.findById(1).orElseThrow();
				return repository.slowly();
			}));
			int victim = awaitSlowQuery(Duration.ofSeconds(10));
			extension.cluster().replica(victim).kill();
			ServedBy servedBy = call.get(20, TimeUnit.SECONDS);
			assertThat(servedBy.replica).isTrue();
			assertThat(servedBy.port).isEqualTo(extension.cluster().replica(1 - victim).port());
		}
		finally {
			caller.shutdownNow();
		}
		assertThat(this.context.getBean(ReplicaRoutingDataSource.class).getStatistics().transactionRetries())
			.as("the query that lost its replica ran again")
			.isEqualTo(1);
	}

	/**
	 * Return the index of the replica running the repository's slow query, once it runs.
	 */
	private static int awaitSlowQuery(Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			for (int index = 0; index < 2; index++) {
				try (Connection connection = extension.cluster().replica(index).connect();
						Statement statement = connection.createStatement();
						ResultSet result = statement.executeQuery("select count(*) from pg_stat_activity"
								+ " where state = 'active' and query like '%from pg_sleep(1.5)%'"
								+ " and pid <> pg_backend_pid()")) {
					result.next();
					if (result.getInt(1) > 0) {
						return index;
					}
				}
			}
			Thread.sleep(20);
		}
		throw new AssertionError("The slow query did not start on a replica within " + timeout);
	}

	/**
	 * Run work the way a web request runs under open-in-view: through Spring's own
	 * interceptor, which Boot registers when {@code spring.jpa.open-in-view} is unset.
	 */
	private static <T> T inView(EntityManagerFactory entityManagerFactory, Supplier<T> work) {
		OpenEntityManagerInViewInterceptor interceptor = new OpenEntityManagerInViewInterceptor();
		interceptor.setEntityManagerFactory(entityManagerFactory);
		WebRequest request = new ServletWebRequest(new MockHttpServletRequest());
		interceptor.preHandle(request);
		try {
			return work.get();
		}
		finally {
			interceptor.afterCompletion(request, null);
		}
	}

	private ConfigurableApplicationContext start() {
		List<String> properties = RouterTestApplication.properties(extension.cluster());
		properties.addAll(List.of("spring.jpa.hibernate.ddl-auto=none",
				"replica-router.health.max-backoff=1s"));
		return new SpringApplicationBuilder(JpaApplication.class).web(WebApplicationType.NONE)
			.run(properties.stream().map((property) -> "--" + property).toArray(String[]::new));
	}

	private static NodeState state(ReplicaHealthMonitor monitor, String name) {
		return monitor.replicaHealth()
			.stream()
			.filter((health) -> health.node().name().equals(name))
			.map(NodeHealth::state)
			.findFirst()
			.orElseThrow();
	}

	@Entity
	@Table(name = "served_by")
	static class ServedBy {

		@Id
		Integer id;

		int port;

		boolean replica;

	}

	interface ServedByRepository extends JpaRepository<ServedBy, Integer> {

		@Transactional(readOnly = true)
		List<ServedBy> findByIdGreaterThanEqual(int id);

		@Transactional(readOnly = true)
		@Query(value = "select 1 as id, inet_server_port() as port, pg_is_in_recovery() as replica"
				+ " from pg_sleep(1.5)", nativeQuery = true)
		ServedBy slowly();

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration(
			excludeName = "org.springframework.boot.data.jdbc.autoconfigure.DataJdbcRepositoriesAutoConfiguration")
	@EnableJpaRepositories(considerNestedRepositories = true)
	static class JpaApplication {

	}

}
