package io.replicarouter.benchmarks.stub;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;

/**
 * Everything the stub driver does not do. What is used only at startup
 * ({@link java.sql.DatabaseMetaData}) is a {@link Proxy}: see {@link #proxy}.
 */
final class Unsupported {

	private Unsupported() {
	}

	/**
	 * Return the exception for a method the stub driver does not implement.
	 * @param method the method's name
	 * @return the exception to throw
	 */
	static SQLFeatureNotSupportedException method(String method) {
		return new SQLFeatureNotSupportedException("The stub driver does not support " + method);
	}

	/**
	 * Return a {@link Proxy} that answers what {@code answers} does, besides
	 * {@code toString}, {@code equals}, {@code hashCode} and the {@link java.sql.Wrapper}
	 * methods. Reflection per call, so only for what the benchmarks do not measure.
	 * @param <T> the interface
	 * @param type the interface
	 * @param name what {@code toString} returns
	 * @param answers the answers, throwing {@link #method}'s exception for the rest
	 * @return the proxy
	 */
	static <T> T proxy(Class<T> type, String name, Answers answers) {
		Object proxy = Proxy.newProxyInstance(Unsupported.class.getClassLoader(), new Class<?>[] { type },
				(self, method, args) -> switch (method.getName()) {
					case "toString" -> name;
					case "hashCode" -> System.identityHashCode(self);
					case "equals" -> self == args[0];
					case "isWrapperFor" -> ((Class<?>) args[0]).isInstance(self);
					case "unwrap" -> {
						if (((Class<?>) args[0]).isInstance(self)) {
							yield self;
						}
						throw new SQLException("Not a wrapper for " + ((Class<?>) args[0]).getName());
					}
					default -> answers.answer(method);
				});
		return type.cast(proxy);
	}

	/**
	 * What a {@link #proxy} answers, by method; the same whatever the arguments.
	 */
	@FunctionalInterface
	interface Answers {

		/**
		 * Answer a call.
		 * @param method the method called
		 * @return the answer
		 * @throws SQLException {@link Unsupported#method} for a method not answered
		 */
		Object answer(Method method) throws SQLException;

	}

}
