package io.replicarouter.replica;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LsnTests {

	@Test
	void parsesAndFormatsPostgresqlsTextForm() {
		assertThat(Lsn.parse("0/3000060")).isEqualTo(0x3000060L);
		assertThat(Lsn.parse("16/B374D848")).isEqualTo((0x16L << 32) | 0xB374D848L);
		assertThat(Lsn.format((0x16L << 32) | 0xB374D848L)).isEqualTo("16/B374D848");
		assertThat(Lsn.format(Lsn.parse("7FFFFFFF/FFFFFFFF"))).isEqualTo("7FFFFFFF/FFFFFFFF");
		assertThat(Lsn.format(Lsn.UNKNOWN)).isEqualTo("unknown");
	}

	@Test
	void rejectsWhatIsNotAnLsn() {
		for (String bad : new String[] { "", "/", "0/", "/0", "12345", "0/xyz", "123456789/0", "0/123456789" }) {
			assertThatIllegalArgumentException().as(bad).isThrownBy(() -> Lsn.parse(bad));
		}
	}

}
