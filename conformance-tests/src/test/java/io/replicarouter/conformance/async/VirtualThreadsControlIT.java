package io.replicarouter.conformance.async;

import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.test.context.TestPropertySource;

/**
 * Async work on virtual threads, a user's choice, routing off.
 */
// Boot turns virtual threads on only on Java 21 or later: on 17 this would repeat AsyncIT on
// platform threads. .ci/run runs it on a JDK 21+ when the machine has one.
@EnabledForJreRange(min = JRE.JAVA_21)
@TestPropertySource(properties = { "spring.threads.virtual.enabled=true", "replica-router.enabled=false" })
class VirtualThreadsControlIT extends AsyncConformance {

	VirtualThreadsControlIT() {
		super(false);
	}

}
