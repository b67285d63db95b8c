package io.replicarouter.benchmarks;

import io.replicarouter.sample.catalog.CatalogService;
import io.replicarouter.sample.orders.OrderService;
import io.replicarouter.sample.profiles.ProfileService;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.stereotype.Service;

/**
 * The sample shop's service layer with everything Boot auto-configures for it (its
 * {@code application.yml}, Flyway migrations, replica-router), without its web layer: the
 * demo controllers need replica-router's beans, and the load run also starts the
 * application with replica-router switched off.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@ComponentScan(basePackageClasses = { CatalogService.class, ProfileService.class, OrderService.class },
		useDefaultFilters = false, includeFilters = @Filter(Service.class))
class SampleServices {

}
