package io.replicarouter.test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Testcontainers is an optional dependency: the classes of this module, loaded where Testcontainers is missing,
 * still choose and build the embedded backend, and explain what is missing for the other one.
 */
class WithoutTestcontainersTests {

	@Test
	void autoResolvesToEmbeddedAndEmbeddedClustersAreBuilt() throws Exception {
		ClassLoader loader = new HidingTestcontainers(getClass().getClassLoader());
		Class<?> backendType = loader.loadClass("io.replicarouter.test.ReplicationCluster$Backend");
		Object auto = backendType.getField("AUTO").get(null);
		assertThat(((Enum<?>) backendType.getMethod("resolve").invoke(auto)).name()).isEqualTo("EMBEDDED");

		Object built = build(loader, "AUTO");
		assertThat(built.getClass().getName()).isEqualTo("io.replicarouter.test.PostgresReplicationCluster");
		assertThat(built.getClass().getClassLoader()).isSameAs(loader);

		assertThatExceptionOfType(InvocationTargetException.class).isThrownBy(() -> build(loader, "TESTCONTAINERS"))
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("org.testcontainers:testcontainers");
	}

	private static Object build(ClassLoader loader, String backend) throws Exception {
		Class<?> clusterType = loader.loadClass("io.replicarouter.test.ReplicationCluster");
		Class<?> backendType = loader.loadClass("io.replicarouter.test.ReplicationCluster$Backend");
		Class<?> builderType = loader.loadClass("io.replicarouter.test.ReplicationCluster$Builder");
		Object builder = clusterType.getMethod("builder").invoke(null);
		builderType.getMethod("backend", backendType).invoke(builder, backendType.getField(backend).get(null));
		Method build = builderType.getMethod("build");
		return build.invoke(builder);
	}

	/** Loads this module's classes itself and pretends that Testcontainers is not there. */
	private static final class HidingTestcontainers extends ClassLoader {

		HidingTestcontainers(ClassLoader parent) {
			super(parent);
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			synchronized (getClassLoadingLock(name)) {
				if (name.startsWith("org.testcontainers.") || name.startsWith("com.github.dockerjava.")) {
					throw new ClassNotFoundException(name);
				}
				if (!name.startsWith("io.replicarouter.test.")) {
					return super.loadClass(name, resolve);
				}
				Class<?> loaded = findLoadedClass(name);
				if (loaded == null) {
					String resource = name.replace('.', '/') + ".class";
					try (InputStream input = getParent().getResourceAsStream(resource)) {
						if (input == null) {
							throw new ClassNotFoundException(name);
						}
						byte[] bytes = input.readAllBytes();
						loaded = defineClass(name, bytes, 0, bytes.length);
					}
					catch (IOException ex) {
						throw new ClassNotFoundException(name, ex);
					}
				}
				if (resolve) {
					resolveClass(loaded);
				}
				return loaded;
			}
		}

		@Override
		public URL getResource(String name) {
			return name.startsWith("org/testcontainers/") ? null : super.getResource(name);
		}

	}

}
