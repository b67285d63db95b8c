package io.replicarouter.routing;

import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

import io.replicarouter.PrimaryRead;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrimaryReadPointcutTests {

	private final PrimaryReadPointcut pointcut = new PrimaryReadPointcut();

	@Test
	void matchesAnnotatedMethod() throws Exception {
		assertThat(this.pointcut.matches(Service.class.getMethod("pinned"), Service.class)).isTrue();
		assertThat(this.pointcut.matches(Service.class.getMethod("plain"), Service.class)).isFalse();
	}

	@Test
	void matchesEveryMethodOfAnAnnotatedClass() throws Exception {
		assertThat(this.pointcut.matches(PinnedService.class.getMethod("plain"), PinnedService.class)).isTrue();
	}

	@Test
	void matchesMetaAnnotation() throws Exception {
		assertThat(this.pointcut.matches(Service.class.getMethod("meta"), Service.class)).isTrue();
	}

	@Test
	void matchesMethodAnnotatedOnAnInterface() throws Exception {
		assertThat(this.pointcut.matches(Repository.class.getMethod("find"), RepositoryImpl.class)).isTrue();
		assertThat(this.pointcut.matches(RepositoryImpl.class.getMethod("find"), RepositoryImpl.class)).isTrue();
		assertThat(this.pointcut.matches(RepositoryImpl.class.getMethod("other"), RepositoryImpl.class)).isFalse();
	}

	@Retention(RetentionPolicy.RUNTIME)
	@PrimaryRead
	@interface Fresh {

	}

	public static class Service {

		@PrimaryRead
		public void pinned() {
		}

		public void plain() {
		}

		@Fresh
		public void meta() {
		}

	}

	@PrimaryRead
	public static class PinnedService {

		public void plain() {
		}

	}

	public interface Repository {

		@PrimaryRead
		void find();

		void other();

	}

	public static class RepositoryImpl implements Repository {

		@Override
		public void find() {
		}

		@Override
		public void other() {
		}

	}

}
