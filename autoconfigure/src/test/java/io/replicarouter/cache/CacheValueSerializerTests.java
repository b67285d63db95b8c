package io.replicarouter.cache;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.data.domain.Page;
import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.domain.Pageable;
import org.springframework.data.domain.Sort;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CacheValueSerializerTests {

	private final CacheValueSerializer serializer = CacheValueSerializer.trusting(List.of("io.replicarouter.cache"));

	@Test
	void aTrustedValueIsWrittenAndReadBack() {
		Price price = new Price(42);
		assertThat(this.serializer.deserialize(this.serializer.serialize(price))).isEqualTo(price);
	}

	@Test
	void aPageIsWrittenAndReadBackWithItsContentPageableSortAndTotal() {
		Sort sort = Sort.by(Sort.Order.desc("amount").ignoreCase().nullsLast(), Sort.Order.asc("id"));
		Page<Price> page = new PageImpl<>(List.of(new Price(1), new Price(2)), PageRequest.of(3, 2, sort), 40);
		byte[] bytes = this.serializer.serialize(page);
		assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"@class\":\"" + PageImpl.class.getName());
		Object read = this.serializer.deserialize(bytes);
		assertThat(read).isInstanceOf(PageImpl.class).isEqualTo(page);
		Page<?> readPage = (Page<?>) read;
		assertThat(readPage.getContent()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
			.containsExactly(new Price(1), new Price(2));
		assertThat(readPage.getPageable()).isEqualTo(PageRequest.of(3, 2, sort));
		assertThat(readPage.getTotalElements()).isEqualTo(40);
		assertThat(readPage.getSort().getOrderFor("amount").getNullHandling()).isEqualTo(Sort.NullHandling.NULLS_LAST);
	}

	@Test
	void anUnpagedPageAndAPageInsideAValueAreReadBack() {
		Page<String> unpaged = new PageImpl<>(List.of("a", "b"), Pageable.unpaged(Sort.by("name")), 2);
		assertThat(this.serializer.deserialize(this.serializer.serialize(unpaged))).isEqualTo(unpaged);
		Page<String> plain = new PageImpl<>(List.of("a"));
		assertThat(this.serializer.deserialize(this.serializer.serialize(plain))).isEqualTo(plain);
		Result result = new Result("q", new PageImpl<>(List.of(new Price(7)), PageRequest.of(0, 1), 3));
		assertThat(this.serializer.deserialize(this.serializer.serialize(result))).isEqualTo(result);
	}

	@Test
	void aPageWithContentOfAnUntrustedTypeIsNeverWrittenAndTheContentTypeIsNamed() {
		Page<Foreign> page = new PageImpl<>(List.of(new Foreign(1)), PageRequest.of(0, 1), 1);
		CacheValueSerializer strict = CacheValueSerializer.trusting(List.of());
		assertThatExceptionOfType(CacheValueSerializer.UnreadableCacheValueException.class)
			.isThrownBy(() -> strict.serialize(page))
			.satisfies((ex) -> assertThat(ex.type()).isEqualTo(Foreign.class.getName()))
			.satisfies((ex) -> assertThat(ex.fix()).contains("replica-router.cache.trusted-packages"))
			.satisfies((ex) -> assertThat(ex.isTypeRefused()).isTrue());
	}

	@Test
	void aTrustedValueJacksonCannotCreateIsNeverWrittenAndTheFixSaysWhy() {
		assertThatExceptionOfType(CacheValueSerializer.UnreadableCacheValueException.class)
			.isThrownBy(() -> this.serializer.serialize(new NoCreator("x")))
			.satisfies((ex) -> assertThat(ex.type()).isEqualTo(NoCreator.class.getName()))
			.satisfies((ex) -> assertThat(ex.fix()).contains("creator").doesNotContain("trusted-packages"));
	}

	@Test
	void aPageInJacksonsBeanFormIsNotReadAsAPage() {
		// What another serializer writes for a page: must not be served with the wrong content.
		byte[] beanForm = GenericJacksonJsonRedisSerializer.builder()
			.enableUnsafeDefaultTyping()
			.build()
			.serialize(new PageImpl<>(List.of("x"), PageRequest.of(0, 1), 9));
		assertThatExceptionOfType(CacheValueSerializer.UnreadableCacheValueException.class)
			.isThrownBy(() -> this.serializer.deserialize(beanForm))
			.satisfies((ex) -> assertThat(ex.isTypeRefused()).isFalse());
	}

	@Test
	void anEntryInJavaSerializationNamesItsClassAndHowToFixIt() {
		byte[] old = new JdkSerializationRedisSerializer().serialize(new PageImpl<>(List.of("x"), PageRequest.of(0, 1), 9));
		assertThatExceptionOfType(CacheValueSerializer.UnreadableCacheValueException.class)
			.isThrownBy(() -> this.serializer.deserialize(old))
			.satisfies((ex) -> assertThat(ex.type()).isEqualTo(PageImpl.class.getName() + " (Java-serialized)"))
			.satisfies((ex) -> assertThat(ex.fix()).contains("Java serialization"))
			.satisfies((ex) -> assertThat(ex.isTypeRefused()).isFalse());
		byte[] string = new JdkSerializationRedisSerializer().serialize("from the previous version");
		assertThatExceptionOfType(CacheValueSerializer.UnreadableCacheValueException.class)
			.isThrownBy(() -> this.serializer.deserialize(string))
			.satisfies((ex) -> assertThat(ex.type()).isEqualTo("java.lang.String (Java-serialized)"));
	}

	@Test
	void anEntryOfAnUntrustedTypeNamesItAndTheProperty() {
		byte[] foreign = ("{\"@class\":\"" + Foreign.class.getName() + "\",\"id\":1}").getBytes();
		assertThat(this.serializer.deserialize(foreign)).isEqualTo(new Foreign(1));
		assertThatExceptionOfType(CacheValueSerializer.UnreadableCacheValueException.class)
			.isThrownBy(() -> CacheValueSerializer.trusting(List.of()).deserialize(foreign))
			.satisfies((ex) -> assertThat(ex.type()).isEqualTo(Foreign.class.getName()))
			.satisfies((ex) -> assertThat(ex.fix()).contains("replica-router.cache.trusted-packages"))
			.satisfies((ex) -> assertThat(ex.isTypeRefused()).isTrue());
	}

	@Test
	void anEntryOfATypeTheApplicationDoesNotHaveIsReplaced() {
		byte[] other = "{\"@class\":\"com.example.shared.Money\",\"amount\":1}".getBytes();
		assertThatExceptionOfType(CacheValueSerializer.UnreadableCacheValueException.class)
			.isThrownBy(() -> this.serializer.deserialize(other))
			.satisfies((ex) -> assertThat(ex.type()).isEqualTo("com.example.shared.Money"))
			.satisfies((ex) -> assertThat(ex.fix()).contains("replaced as they are read"))
			.satisfies((ex) -> assertThat(ex.isTypeRefused()).isFalse());
	}

	record Price(long amount) {
	}

	record Foreign(long id) {
	}

	record Result(String query, Page<Price> page) {
	}

	static class NoCreator {

		private final String name;

		NoCreator(String name) {
			this.name = name;
		}

		NoCreator(String first, String last) {
			this.name = first + " " + last;
		}

		public String getName() {
			return this.name;
		}

	}

}
