package io.replicarouter.autoconfigure.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.replicarouter.cache.CacheCounters;
import io.replicarouter.cache.CacheCounters.Counters;
import io.replicarouter.cache.CircuitBreaker;

/**
 * The cache layer's meters, per cache (tag {@code cache}), registered as caches appear:
 * {@code replica.router.cache.gets} (tag {@code result}: {@code hit}, {@code miss}),
 * {@code replica.router.cache.errors}, {@code replica.router.cache.skipped} (calls not made
 * while the circuit was open), {@code replica.router.cache.refills.refused},
 * {@code replica.router.cache.unreadable} (entries evicted because they could not be read
 * back), {@code replica.router.cache.unwritable} (values not cached because they could
 * not have been read back); and the gauge
 * {@code replica.router.cache.circuit} (0 closed, 1 open, 2 half-open).
 */
class CacheMeterBinder implements MeterBinder {

	private final CacheCounters statistics;

	private final CircuitBreaker breaker;

	CacheMeterBinder(CacheCounters statistics, CircuitBreaker breaker) {
		this.statistics = statistics;
		this.breaker = breaker;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("replica.router.cache.circuit", this.breaker, (breaker) -> switch (breaker.state()) {
			case CLOSED -> 0;
			case OPEN -> 1;
			case HALF_OPEN -> 2;
		}).description("State of the circuit in front of Redis: 0 closed, 1 open, 2 half-open").register(registry);
		this.statistics.forEachCache((cache, counters) -> register(registry, cache, counters));
	}

	private static void register(MeterRegistry registry, String cache, Counters counters) {
		FunctionCounter.builder("replica.router.cache.gets", counters, Counters::hits)
			.tag("cache", cache)
			.tag("result", "hit")
			.description("Cache lookups")
			.register(registry);
		FunctionCounter.builder("replica.router.cache.gets", counters, Counters::misses)
			.tag("cache", cache)
			.tag("result", "miss")
			.description("Cache lookups")
			.register(registry);
		FunctionCounter.builder("replica.router.cache.errors", counters, Counters::errors)
			.tag("cache", cache)
			.description("Redis calls that failed")
			.register(registry);
		FunctionCounter.builder("replica.router.cache.skipped", counters, Counters::skipped)
			.tag("cache", cache)
			.description("Redis calls not made while the circuit was open")
			.register(registry);
		FunctionCounter.builder("replica.router.cache.refills.refused", counters, Counters::refusedRefills)
			.tag("cache", cache)
			.description("Values not cached because they were read from a replica behind the evicting write")
			.register(registry);
		FunctionCounter.builder("replica.router.cache.unreadable", counters, Counters::unreadable)
			.tag("cache", cache)
			.description("Entries that could not be read back, evicted and treated as misses")
			.register(registry);
		FunctionCounter.builder("replica.router.cache.unwritable", counters, Counters::unwritable)
			.tag("cache", cache)
			.description("Values not cached because they could not have been read back")
			.register(registry);
	}

}
