package io.replicarouter.benchmarks.stub;

import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import org.springframework.asm.ClassWriter;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;
import org.springframework.asm.Type;

/**
 * Everything the stub driver does not do: the JDBC interfaces have hundreds of methods, the
 * layers under test call a few dozen.
 * <p>
 * The classes on the benchmarks' hot path (connection, statement, result set and its
 * metadata) are abstract and implement only what is called; {@link #completing} defines a
 * concrete subclass at startup whose added methods all throw, and a factory that calls its
 * constructor with a plain {@code new}. The measured calls stay plain virtual calls into
 * hand-written code, with no reflection, argument arrays or extra fields, as they were when
 * the throwing methods were written out (a {@link Proxy} there would add reflection and
 * argument arrays to every layer's numbers). The subclass is written with the ASM that
 * spring-core repackages. What is used only at startup ({@link java.sql.DatabaseMetaData}) is
 * a {@link Proxy}: see {@link #proxy}.
 */
final class Unsupported {

	private static final String FACTORY_DESCRIPTOR = MethodType
		.methodType(SQLFeatureNotSupportedException.class, String.class)
		.toMethodDescriptorString();

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
	 * Define a concrete subclass of the lookup's class in which every abstract method throws
	 * {@link #method}'s exception, and return a factory of its instances.
	 * @param <F> the factory's type
	 * @param lookup a lookup in the abstract class, {@code MethodHandles.lookup()}
	 * @param factoryType a functional interface whose method takes the parameters of the
	 * abstract class's constructor and returns the abstract class
	 * @return the factory
	 */
	static <F> F completing(MethodHandles.Lookup lookup, Class<F> factoryType) {
		Class<?> partial = lookup.lookupClass();
		Method create = singleAbstractMethod(factoryType);
		MethodType createType = MethodType.methodType(create.getReturnType(), create.getParameterTypes());
		MethodType constructorType = createType.changeReturnType(void.class);
		String superName = Type.getInternalName(partial);
		ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
		writer.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
				superName + "$Complete", null, superName, null);
		writeConstructor(writer, superName, constructorType);
		Set<String> written = new HashSet<>();
		for (Method method : partial.getMethods()) {
			String descriptor = Type.getMethodDescriptor(method);
			if (Modifier.isAbstract(method.getModifiers()) && written.add(method.getName() + descriptor)) {
				writeThrowing(writer, method.getName(), descriptor);
			}
		}
		writer.visitEnd();
		try {
			Class<?> complete = lookup.defineClass(writer.toByteArray());
			// A lambda class whose method is "new Complete(...)": no method handle on the
			// hot path, so allocations stay as visible to escape analysis as before.
			CallSite factory = LambdaMetafactory.metafactory(lookup, create.getName(),
					MethodType.methodType(factoryType), createType,
					lookup.findConstructor(complete, constructorType), createType);
			return factoryType.cast(factory.getTarget().invoke());
		}
		catch (Throwable ex) {
			throw new IllegalStateException("Could not complete " + partial, ex);
		}
	}

	private static Method singleAbstractMethod(Class<?> type) {
		Method[] abstractMethods = Arrays.stream(type.getMethods())
			.filter((method) -> Modifier.isAbstract(method.getModifiers()))
			.toArray(Method[]::new);
		if (!type.isInterface() || abstractMethods.length != 1) {
			throw new IllegalArgumentException(type + " is not a functional interface");
		}
		return abstractMethods[0];
	}

	private static void writeConstructor(ClassWriter writer, String superName, MethodType type) {
		String descriptor = type.toMethodDescriptorString();
		MethodVisitor constructor = writer.visitMethod(0, "<init>", descriptor, null, null);
		constructor.visitCode();
		constructor.visitVarInsn(Opcodes.ALOAD, 0);
		int slot = 1;
		for (Class<?> parameter : type.parameterArray()) {
			Type parameterType = Type.getType(parameter);
			constructor.visitVarInsn(parameterType.getOpcode(Opcodes.ILOAD), slot);
			slot += parameterType.getSize();
		}
		constructor.visitMethodInsn(Opcodes.INVOKESPECIAL, superName, "<init>", descriptor, false);
		constructor.visitInsn(Opcodes.RETURN);
		constructor.visitMaxs(0, 0);
		constructor.visitEnd();
	}

	private static void writeThrowing(ClassWriter writer, String name, String descriptor) {
		MethodVisitor method = writer.visitMethod(Opcodes.ACC_PUBLIC, name, descriptor, null,
				new String[] { Type.getInternalName(SQLException.class) });
		method.visitCode();
		method.visitLdcInsn(name);
		method.visitMethodInsn(Opcodes.INVOKESTATIC, Type.getInternalName(Unsupported.class), "method",
				FACTORY_DESCRIPTOR, false);
		method.visitInsn(Opcodes.ATHROW);
		method.visitMaxs(0, 0);
		method.visitEnd();
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
