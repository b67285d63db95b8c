package io.replicarouter.cache;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import org.springframework.data.domain.PageImpl;
import org.springframework.data.domain.PageRequest;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class CacheValueSerializerTests {

	private final CacheValueSerializer serializer = new CacheValueSerializer(GenericJacksonJsonRedisSerializer
		.builder()
		.enableDefaultTyping(BasicPolymorphicTypeValidator.builder()
			.allowIfSubType("java.lang.")
			.allowIfSubType("java.util.")
			.allowIfSubType("io.replicarouter.cache.")
			.build())
		.build());

	@Test
	void aTrustedValueIsWrittenAndReadBack() {
		Price price = new Price(42);
		assertThat(this.serializer.deserialize(this.serializer.serialize(price))).isEqualTo(price);
	}

	@Test
	void aValueThatCouldNotBeReadBackIsNeverWritten() {
		assertThatExceptionOfType(CacheValueSerializer.UnreadableCacheValueException.class)
			.isThrownBy(() -> this.serializer.serialize(new PageImpl<>(List.of("x"), PageRequest.of(0, 1), 5)))
			.satisfies((ex) -> assertThat(ex.type()).isEqualTo(PageImpl.class.getName()))
			.satisfies((ex) -> assertThat(ex.fix()).contains("record"));
	}

	@Test
	void anEntryInJavaSerializationSaysSoAndHowToFixIt() {
		byte[] old = new JdkSerializationRedisSerializer().serialize("from the previous version");
		assertThatExceptionOfType(CacheValueSerializer.UnreadableCacheValueException.class)
			.isThrownBy(() -> this.serializer.deserialize(old))
			.satisfies((ex) -> assertThat(ex.type()).isEqualTo("a Java-serialized value"))
			.satisfies((ex) -> assertThat(ex.fix()).contains("Java serialization"));
	}

	@Test
	void anEntryOfAnUntrustedTypeNamesIt() {
		byte[] foreign = "{\"@class\":\"com.example.shared.Money\",\"amount\":1}".getBytes();
		assertThatExceptionOfType(CacheValueSerializer.UnreadableCacheValueException.class)
			.isThrownBy(() -> this.serializer.deserialize(foreign))
			.satisfies((ex) -> assertThat(ex.type()).isEqualTo("com.example.shared.Money"))
			.satisfies((ex) -> assertThat(ex.fix()).contains("trusted-packages"));
	}

	record Price(long amount) {
	}

}
