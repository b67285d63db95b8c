package io.replicarouter.consistency;

import java.util.Random;

import io.replicarouter.WalPosition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistencyTokenTests {

	@Test
	void roundTripsThroughItsTextForm() {
		ConsistencyToken token = new ConsistencyToken(WalPosition.of(0x16B374D848L), 1_763_000_000_000L);
		assertThat(token.encode()).isEqualTo("1.16b374d848." + Long.toHexString(1_763_000_000_000L));
		assertThat(ConsistencyToken.parse(token.encode())).contains(token);
	}

	@Test
	void mergeKeepsTheHigherOfEach() {
		ConsistencyToken a = new ConsistencyToken(WalPosition.of(100), 5);
		ConsistencyToken b = new ConsistencyToken(WalPosition.of(50), 9);
		assertThat(a.merge(b)).isEqualTo(new ConsistencyToken(WalPosition.of(100), 9));
		assertThat(a.merge(ConsistencyToken.EMPTY)).isSameAs(a);
		assertThat(ConsistencyToken.EMPTY.merge(b)).isSameAs(b);
		assertThat(ConsistencyToken.EMPTY.encode()).isEmpty();
	}

	@Test
	void anUnknownPositionSurvivesTheTextFormAndEveryMerge() {
		ConsistencyToken unknown = new ConsistencyToken(WalPosition.UNKNOWN, 1_763_000_000_000L);
		assertThat(unknown.encode()).startsWith("1.u.");
		assertThat(ConsistencyToken.parse(unknown.encode())).contains(unknown);
		ConsistencyToken known = new ConsistencyToken(WalPosition.of(0x5000), 1_763_000_005_000L);
		assertThat(unknown.merge(known).isPositionUnknown()).isTrue();
		assertThat(known.merge(unknown).isPositionUnknown()).isTrue();
		assertThat(known.merge(unknown).writtenAt()).isEqualTo(known.writtenAt());
		assertThat(ConsistencyToken.parse("1.uu.5")).isEmpty();
	}

	@Test
	void rejectsMalformedTamperedAndOversizedText() {
		String[] bad = { null, "", "1", "1.", "1..", "2.10.10", "1.10", "1.10.", "1.-1.10", "1.10.0", "1.zz.10",
				"1.10.10.10", " 1.10.10", "1.10.10 ", "1.10000000000000000.10", "1.10.10000000000000000",
				"1.ffffffffffffffff.10", "1.10.ffffffffffffffff", "1." + "a".repeat(5000) + ".1",
				"<script>alert(1)</script>", "1.10.10;Path=/" };
		for (String text : bad) {
			assertThat(ConsistencyToken.parse(text)).as(String.valueOf(text)).isEmpty();
		}
	}

	@Test
	void randomTextNeverThrows() {
		Random random = new Random(42);
		for (int i = 0; i < 100_000; i++) {
			byte[] bytes = new byte[random.nextInt(48)];
			random.nextBytes(bytes);
			String text = (random.nextBoolean()) ? new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
					: "1." + Long.toHexString(random.nextLong()) + "." + Long.toHexString(random.nextLong());
			ConsistencyToken.parse(text).ifPresent((token) -> {
				assertThat(token.position().isKnown() || token.isPositionUnknown()).isTrue();
				assertThat(token.writtenAt()).isPositive();
			});
		}
	}

}
