package io.replicarouter;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.util.ClassUtils;

/**
 * Hints for the starter's Micrometer context-propagation accessors, which the library finds
 * with {@link java.util.ServiceLoader} in
 * {@code META-INF/services/io.micrometer.context.ThreadLocalAccessor} and instantiates
 * through their public constructors. GraalVM's service loader support usually finds them
 * on its own; these hints say it explicitly, as for any other resource the starter reads.
 * Registered only when context-propagation is there.
 */
class ThreadLocalAccessorsRuntimeHints implements RuntimeHintsRegistrar {

	static final String SERVICE = "io.micrometer.context.ThreadLocalAccessor";

	static final String SERVICES_FILE = "META-INF/services/" + SERVICE;

	static final String[] ACCESSORS = { "io.replicarouter.consistency.ConsistencyScopeThreadLocalAccessor",
			"io.replicarouter.routing.PrimaryReadThreadLocalAccessor",
			"io.replicarouter.routing.ReplicaReadThreadLocalAccessor" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent(SERVICE, classLoader)) {
			return;
		}
		hints.resources().registerPattern(SERVICES_FILE);
		for (String accessor : ACCESSORS) {
			hints.reflection()
				.registerType(TypeReference.of(accessor), MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS);
		}
	}

}
