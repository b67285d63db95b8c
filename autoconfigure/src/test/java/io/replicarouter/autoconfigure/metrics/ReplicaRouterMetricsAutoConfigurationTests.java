package io.replicarouter.autoconfigure.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.replicarouter.autoconfigure.ReplicaRouterAutoConfiguration;
import io.replicarouter.cache.CacheCounters;
import io.replicarouter.cache.CacheValueSerializer;
import io.replicarouter.cache.CircuitBreaker;
import io.replicarouter.cache.FailOpenRedisCacheWriter;
import io.replicarouter.cache.InMemoryRedisCacheWriter;
import io.replicarouter.cache.RoutingAwareCacheManagers;
import io.replicarouter.routing.DataSourceNode;
import io.replicarouter.routing.ReplicaRoutingDataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.metrics.DataSourcePoolMetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.Cache;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicaRouterMetricsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, ReplicaRouterAutoConfiguration.class,
				DataSourceAutoConfiguration.class, DataSourcePoolMetricsAutoConfiguration.class,
				ReplicaRouterMetricsAutoConfiguration.class))
		.withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/app",
				"replica-router.replicas[0].url=jdbc:postgresql://127.0.0.1:3/app",
				"replica-router.replicas[1].url=jdbc:postgresql://127.0.0.1:4/app");

	@Test
	void everyPoolGetsHikarisMetricsFromBootExactlyOnce() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			ReplicaRoutingDataSource router = context.getBean(ReplicaRoutingDataSource.class);
			assertThat(pool(router.getPrimary()).getMetricsTrackerFactory())
				.isInstanceOf(MicrometerMetricsTrackerFactory.class);
			for (DataSourceNode replica : router.getReplicas()) {
				assertThat(pool(replica).getMetricsTrackerFactory()).isInstanceOf(MicrometerMetricsTrackerFactory.class);
			}
			// Hikari registers its meters when a pool starts. No server listens here, so a
			// copy of each pool's configuration (with its tracker) is started without
			// waiting for a first connection.
			List<HikariPool> started = new ArrayList<>();
			try {
				for (DataSourceNode node : router.getNodes().all()) {
					started.add(startCopy(pool(node)));
				}
				assertThat(registry.find("hikaricp.connections").gauges())
					.extracting((gauge) -> gauge.getId().getTag("pool"))
					.containsExactlyInAnyOrder("primary", "replica-1", "replica-2");
			}
			finally {
				for (HikariPool pool : started) {
					pool.shutdown();
				}
			}
		});
	}

	@Test
	void replicaRouterBindsNoHikariMetricsOfItsOwn() {
		this.runner.run((context) -> assertThat(context.getBeanNamesForType(MeterBinder.class))
			.noneMatch((name) -> name.toLowerCase().contains("pool") && name.startsWith("replica")));
	}

	@Test
	void backsOffWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class, SimpleMeterRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ReplicaRouterMeterBinder.class));
	}

	@Test
	void backsOffWithoutTheRouter() {
		this.runner.withPropertyValues("replica-router.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ReplicaRouterMeterBinder.class));
	}

	@Test
	void unreadableEntriesAndUnwritableValuesAreMeteredPerCache() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, ReplicaRouterMetricsAutoConfiguration.class))
			.withBean(CacheCounters.class)
			.withBean(CircuitBreaker.class, () -> new CircuitBreaker(3, Duration.ofSeconds(5)))
			.run((context) -> {
				CacheCounters counters = context.getBean(CacheCounters.class);
				InMemoryRedisCacheWriter redis = new InMemoryRedisCacheWriter();
				RedisCacheManager manager = RedisCacheManager
					.builder(new FailOpenRedisCacheWriter(redis, context.getBean(CircuitBreaker.class), counters,
							(name) -> null, null))
					.cacheDefaults(RedisCacheConfiguration.defaultCacheConfig()
						.serializeValuesWith(SerializationPair.fromSerializer(CacheValueSerializer.trusting(List.of()))))
					.build();
				Cache prices = RoutingAwareCacheManagers.decorate(manager, counters).getCache("prices");
				redis.seed("prices::1", new JdkSerializationRedisSerializer().serialize(1L));
				assertThat(prices.get(1)).as("an unreadable entry is a miss").isNull();
				prices.put(1, new Untrusted(1));
				prices.put(2, new Untrusted(2));
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.get("replica.router.cache.unreadable").tag("cache", "prices").functionCounter().count())
					.isEqualTo(1);
				assertThat(registry.get("replica.router.cache.unwritable").tag("cache", "prices").functionCounter().count())
					.isEqualTo(2);
				assertThat(registry.get("replica.router.cache.gets").tags("cache", "prices", "result", "miss")
					.functionCounter()
					.count()).isEqualTo(1);
				assertThat(registry.get("replica.router.cache.gets").tags("cache", "prices", "result", "hit")
					.functionCounter()
					.count()).isZero();
			});
	}

	/**
	 * A type outside the cache's allow-list.
	 * @param id an id
	 */
	record Untrusted(long id) {
	}

	private static HikariPool startCopy(HikariDataSource pool) {
		HikariConfig copy = new HikariConfig();
		pool.copyStateTo(copy);
		copy.setInitializationFailTimeout(-1);
		return new HikariPool(copy);
	}

	private static HikariDataSource pool(DataSourceNode node) {
		return (HikariDataSource) node.dataSource();
	}

}
